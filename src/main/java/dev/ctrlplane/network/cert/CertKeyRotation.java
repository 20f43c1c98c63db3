package dev.ctrlplane.network.cert;

import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.crypto.UnsealException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate half of {@code ctrlplane secrets rotate}: re-seals with the current master key the built-in
 * authority's root key and every certificate key an older key sealed, in id order, a batch at a time. Each row is
 * written only if its nonce is still the one read (a renewal meanwhile replaced the row: it is then current already).
 * Keys are opened and sealed again on a worker; nothing of them is logged.
 */
public final class CertKeyRotation {

  private static final Logger LOG = LoggerFactory.getLogger(CertKeyRotation.class);
  private static final String ROOT = "SELECT key_id, nonce, ciphertext FROM certificate_authority WHERE name = $1 "
      + "AND key_id <> $2";
  private static final String RESEAL_ROOT = "UPDATE certificate_authority SET key_id = $2, nonce = $3, ciphertext = $4 "
      + "WHERE name = $1 AND nonce = $5";
  private static final String BATCH = "SELECT c.id, c.domain_id, d.hostname, c.key_id, c.nonce, c.ciphertext "
      + "FROM certificates c JOIN domains d ON d.id = c.domain_id WHERE c.key_id <> $1 AND c.id > $2 "
      + "ORDER BY c.id LIMIT $3";
  private static final String RESEAL = "UPDATE certificates SET key_id = $2, nonce = $3, ciphertext = $4 "
      + "WHERE id = $1 AND nonce = $5";

  /** What a run did. */
  public record Report(long rotated, long failed) {
    public String line() {
      return "certificate keys: rotated " + rotated + ", failed " + failed;
    }
  }

  private record Row1(String id, byte[] aad, Sealed sealed) {}

  private final Vertx vertx;
  private final Pool pool;
  private final KeyRing keys;
  private long rotated;
  private long failed;

  public CertKeyRotation(Vertx vertx, Pool pool, KeyRing keys) {
    this.vertx = vertx;
    this.pool = pool;
    this.keys = keys;
  }

  public Future<Report> run(int batchSize) {
    return root().compose(v -> pass("", batchSize)).map(v -> new Report(rotated, failed));
  }

  private Future<Void> root() {
    return pool.preparedQuery(ROOT).execute(Tuple.of(CertStore.ROOT_NAME, keys.currentKeyId())).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.succeededFuture();
      }
      Row r = rows.iterator().next();
      Row1 row = new Row1(CertStore.ROOT_NAME, Aad.of(CertStore.ROOT_PURPOSE, CertStore.ROOT_NAME), sealed(r, 0));
      return reseal(row).compose(now -> now == null ? Future.succeededFuture() : pool.preparedQuery(RESEAL_ROOT)
          .execute(tuple(row, now)).map(done -> {
            rotated += done.rowCount();
            return null;
          }));
    });
  }

  private Future<Void> pass(String afterId, int batchSize) {
    return pool.preparedQuery(BATCH).execute(Tuple.of(keys.currentKeyId(), afterId, batchSize)).compose(rows -> {
      List<Row1> batch = new ArrayList<>();
      for (Row r : rows) {
        batch.add(new Row1(r.getString(0), CertService.keyAad(r.getString(0), r.getString(1), r.getString(2)),
            sealed(r, 3)));
      }
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      Future<Void> chain = Future.succeededFuture();
      for (Row1 row : batch) {
        chain = chain.compose(v -> reseal(row).compose(now -> now == null ? Future.succeededFuture()
            : pool.preparedQuery(RESEAL).execute(tuple(row, now)).map(done -> {
              rotated += done.rowCount();
              return null;
            })));
      }
      return chain.compose(v -> pass(batch.get(batch.size() - 1).id(), batchSize));
    });
  }

  /** The row's key sealed with the current key; null (counted, logged) when no key of the ring opens it. */
  private Future<Sealed> reseal(Row1 row) {
    return vertx.executeBlocking(() -> {
      try {
        return keys.seal(keys.open(row.sealed(), row.aad()), row.aad());
      } catch (UnsealException unreadable) {
        LOG.warn("the key of certificate {} cannot be re-encrypted: {}", row.id(), unreadable.getMessage());
        return null;
      }
    }, false).map(now -> {
      if (now == null) {
        failed++;
      }
      return now;
    });
  }

  private static Tuple tuple(Row1 row, Sealed now) {
    return Tuple.of(row.id(), now.keyId(), Buffer.buffer(now.nonce()), Buffer.buffer(now.ciphertext()),
        Buffer.buffer(row.sealed().nonce()));
  }

  private static Sealed sealed(Row r, int from) {
    return new Sealed(r.getString(from), r.getBuffer(from + 1).getBytes(), r.getBuffer(from + 2).getBytes());
  }
}
