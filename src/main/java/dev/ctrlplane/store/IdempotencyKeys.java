package dev.ctrlplane.store;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code Idempotency-Key}: the first request with a key records what it made, in its own transaction; a retry with
 * the same key and the same request within {@link #WINDOW} finds that resource instead of making another, and the
 * same key with another request is 422. Two requests with one key at the same moment: the second waits on the first's
 * row lock, then finds it.
 */
public final class IdempotencyKeys {

  /** How long a key is remembered. */
  public static final Duration WINDOW = Duration.ofHours(24);

  private static final String CLAIM = """
      INSERT INTO idempotency_keys (tenant_id, key, request_hash, resource_id, created_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,
        resource_id = EXCLUDED.resource_id, created_at = EXCLUDED.created_at
        WHERE idempotency_keys.created_at < $6
      RETURNING resource_id""";
  private static final String EXISTING =
      "SELECT request_hash, resource_id FROM idempotency_keys WHERE tenant_id = $1 AND key = $2";
  private static final String PRUNE = "DELETE FROM idempotency_keys WHERE created_at < $1";

  private IdempotencyKeys() {}

  /**
   * Claims {@code key} for the resource the request is about to make, inside the request's transaction. Empty when
   * the claim is new (go on and make it); the id of the resource the first request made when this is a retry; 422
   * when the key was used for another request.
   */
  public static Future<Optional<String>> claim(SqlClient sql, String tenantId, String key, String requestHash,
      String resourceId) {
    Instant now = Times.now();
    return sql.preparedQuery(CLAIM)
        .execute(Tuple.of(tenantId, key, requestHash, resourceId, Times.toOffset(now), Times.toOffset(now.minus(WINDOW))))
        .compose(claimed -> claimed.size() > 0
            ? Future.succeededFuture(Optional.<String>empty())
            : sql.preparedQuery(EXISTING).execute(Tuple.of(tenantId, key)).map(rows -> {
              var row = rows.iterator().next();
              if (!requestHash.equals(row.getString("request_hash"))) {
                throw new ApiException(ErrorCode.UNPROCESSABLE,
                    "Idempotency-Key " + key + " was already used for a different request");
              }
              return Optional.of(row.getString("resource_id"));
            }));
  }

  /** Forgets keys older than the window. */
  public static Future<Integer> prune(SqlClient sql) {
    return sql.preparedQuery(PRUNE).execute(Tuple.of(Times.toOffset(Times.now().minus(WINDOW)))).map(r -> r.rowCount());
  }
}
