package dev.ctrlplane.audit;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log's reads (its appends are {@link AuditLog}'s): filtered pages for operators, verification of a
 * chain's hashes, and the tenant that owns a resource a refusal is recorded for.
 */
public final class AuditQueries {

  private static final int VERIFY_BATCH = 1000;
  private static final String CHAIN_OF_TENANT =
      "SELECT * FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
  private static final String CHAIN_OF_SYSTEM =
      "SELECT * FROM audit_log WHERE tenant_id IS NULL AND seq > $1 ORDER BY seq LIMIT $2";

  /** The tenant that owns a resource, per kind of resource with such an owner. */
  private static final Map<String, String> OWNER_OF = Map.of(
      "instance", "SELECT tenant_id FROM instances WHERE id = $1",
      "secret", "SELECT tenant_id FROM instances WHERE id = $1"); // a secret's path id is its instance's

  private final Pool pool;

  public AuditQueries(Pool pool) {
    this.pool = pool;
  }

  /**
   * The tenant owning {@code resource} {@code id}, read in the caller's transaction; empty for a kind of resource
   * without an owner, or one that does not exist.
   */
  static Future<Optional<String>> ownerTenant(SqlClient sql, String resource, String id) {
    String query = OWNER_OF.get(resource);
    if (query == null || id == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return sql.preparedQuery(query).execute(Tuple.of(id)).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.ofNullable(rows.iterator().next().getString("tenant_id")));
  }

  /** {@code GET /v1/admin/audit}: every filter of SPEC §10, newest first. */
  public Future<JsonObject> page(JsonObject query) {
    PageRequest page = PageRequest.from(query);
    Filter filter = new Filter();
    for (String column : List.of("tenant_id", "actor_id", "resource", "resource_id", "action", "outcome")) {
      String value = query.getString(column);
      filter.andIf(value != null && !value.isEmpty(), column + " = ?", value);
    }
    time(query, "since").ifPresent(since -> filter.and("created_at >= ?", Times.toOffset(since)));
    time(query, "until").ifPresent(until -> filter.and("created_at < ?", Times.toOffset(until)));
    return Paging.page(pool, "*", "audit_log", filter, page, AuditQueries::entry, e -> new Cursor(e.createdAt(), e.id()))
        .map(p -> p.toJson(AuditEntry::toJson));
  }

  /**
   * Recomputes one chain (a tenant's, or the system chain for null) from its first entry: {@code valid} is false at
   * the first entry whose stored hash or link does not match, which is named. A tenant id that is not one is a 400;
   * a well-formed one without entries (a deleted tenant's chain stays) verifies as an empty chain.
   */
  public Future<JsonObject> verify(String tenantId) {
    String chain = tenantId == null || tenantId.isEmpty() ? null : tenantId;
    if (chain != null && !TypeId.isValid("ten", chain)) {
      return Future.failedFuture(ApiException.invalidField("tenant_id", "must be a tenant id like ten_01h..."));
    }
    return verifyFrom(chain, 0L, AuditLog.GENESIS, 0);
  }

  private Future<JsonObject> verifyFrom(String tenantId, long afterSeq, String previous, long checked) {
    Future<io.vertx.sqlclient.RowSet<Row>> batch = tenantId == null
        ? pool.preparedQuery(CHAIN_OF_SYSTEM).execute(Tuple.of(afterSeq, VERIFY_BATCH))
        : pool.preparedQuery(CHAIN_OF_TENANT).execute(Tuple.of(tenantId, afterSeq, VERIFY_BATCH));
    return batch.compose(rows -> {
      String prev = previous;
      long seq = afterSeq;
      long count = checked;
      for (Row row : rows) {
        AuditEntry entry = entry(row);
        String expected = AuditLog.hash(prev, entry);
        if (!prev.equals(row.getString("prev_hash")) || !expected.equals(row.getString("hash"))) {
          return Future.succeededFuture(result(tenantId, false, count, entry.id()));
        }
        prev = expected;
        seq = row.getLong("seq");
        count++;
      }
      return rows.size() < VERIFY_BATCH
          ? Future.succeededFuture(result(tenantId, true, count, null))
          : verifyFrom(tenantId, seq, prev, count);
    });
  }

  private static JsonObject result(String tenantId, boolean valid, long checked, String brokenAt) {
    return new JsonObject().put("tenant_id", tenantId).put("valid", valid).put("entries_checked", checked)
        .put("first_invalid_id", brokenAt);
  }

  static AuditEntry entry(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("created_at");
    return new AuditEntry(row.getString("id"), row.getString("tenant_id"), row.getString("actor_id"),
        row.getString("resource"), row.getString("resource_id"), row.getString("action"), row.getString("outcome"),
        row.getString("request_id"), row.getString("ip_address"),
        row.getValue("details") instanceof JsonObject d ? d : new JsonObject(), at.toInstant());
  }

  private static java.util.Optional<Instant> time(JsonObject query, String name) {
    String text = query.getString(name);
    if (text == null || text.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Times.parse(text)
        .orElseThrow(() -> ApiException.invalidField(name, "must be an RFC 3339 time like 2026-01-31T12:00:00Z")));
  }
}
