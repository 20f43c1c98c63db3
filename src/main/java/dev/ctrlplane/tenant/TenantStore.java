package dev.ctrlplane.tenant;

import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * All SQL about tenants. Updates are compare-and-set on {@code version}. The row locks {@link Tenancy} takes inside
 * a write's transaction are here too, each returning the tenant as the lock holder sees it.
 */
public final class TenantStore {

  /** A tenant whose row the caller's transaction has locked: what the tenancy rules read. */
  record Locked(String id, String status, String plan, JsonObject ownQuota, Usage used) {}

  private static final String INSERT = """
      INSERT INTO tenants (id, name, slug, plan, status, quota, metadata, version, created_at, updated_at)
      VALUES ($1, $2, $3, $4, 'active', NULL, $5, 1, $6, $6)""";
  private static final String FIND = "SELECT * FROM tenants WHERE id = $1";
  private static final String FIND_FOR_UPDATE = "SELECT * FROM tenants WHERE id = $1 FOR UPDATE";
  private static final String UPDATE = """
      UPDATE tenants SET name = $3, slug = $4, plan = $5, status = $6, suspended_at = $7, suspend_reason = $8,
        quota = $9, metadata = $10, version = version + 1, updated_at = $11
      WHERE id = $1 AND version = $2
      RETURNING *""";
  private static final String DELETE = "DELETE FROM tenants WHERE id = $1";
  private static final String HAS_INSTANCES = "SELECT count(*) AS n FROM instances WHERE tenant_id = $1";
  private static final String LOCK_SHARED = "SELECT id, status, plan, quota FROM tenants WHERE id = $1 FOR SHARE";
  private static final String LOCK_FOR_GROWTH = """
      SELECT id, status, plan, quota, used_instances, used_cpu_millis, used_memory_mb, used_domains, used_secrets
      FROM tenants WHERE id = $1 FOR NO KEY UPDATE""";
  /** Row locks are taken in the order the rows are returned: id order, the same in every group, so no deadlock. */
  private static final String LOCK_ALL_FOR_GROWTH = """
      SELECT id, status, plan, quota, used_instances, used_cpu_millis, used_memory_mb, used_domains, used_secrets
      FROM tenants WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE""";
  private static final String USAGE =
      "SELECT used_instances, used_cpu_millis, used_memory_mb, used_domains, used_secrets FROM tenants WHERE id = $1";

  private final Pool pool;

  public TenantStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(SqlClient sql, Tenant t) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(t.id(), t.name(), t.slug(), t.plan(), t.metadata(), Times.toOffset(t.createdAt())))
        .mapEmpty();
  }

  public Future<Optional<Tenant>> find(SqlClient sql, String id) {
    return sql.preparedQuery(FIND).execute(Tuple.of(id)).map(TenantStore::first);
  }

  public Future<Optional<Tenant>> find(String id) {
    return find(pool, id);
  }

  public Future<Optional<Tenant>> findForUpdate(SqlClient sql, String id) {
    return sql.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(id)).map(TenantStore::first);
  }

  /** Writes {@code t} if the stored version is still {@code t.version()}; empty when another writer won. */
  public Future<Optional<Tenant>> update(SqlClient sql, Tenant t) {
    return sql.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {
        t.id(), t.version(), t.name(), t.slug(), t.plan(), t.status(), Times.toOffset(t.suspendedAt()),
        t.suspendReason(), t.ownQuota(), t.metadata(), Times.toOffset(Times.now())})).map(TenantStore::first);
  }

  public Future<Void> delete(SqlClient sql, String id) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Long> instanceCount(SqlClient sql, String id) {
    return sql.preparedQuery(HAS_INSTANCES).execute(Tuple.of(id)).map(rows -> rows.iterator().next().getLong("n"));
  }

  public Future<Page<Tenant>> list(String status, PageRequest page) {
    Filter filter = new Filter().andIf(status != null, "status = ?", status);
    return Paging.page(pool, "*", "tenants", filter, page, Tenant::fromRow, t -> new Cursor(t.createdAt(), t.id()));
  }

  /** Locks the tenant's row {@code FOR SHARE} (usage not read); empty when there is no such tenant. */
  static Future<Optional<Locked>> lockShared(SqlClient sql, String id) {
    return sql.preparedQuery(LOCK_SHARED).execute(Tuple.of(id))
        .map(rows -> firstLocked(rows, row -> new Usage(0, 0, 0, 0, 0)));
  }

  /** Locks the tenant's row {@code FOR NO KEY UPDATE} and reads its usage counters; empty when there is none. */
  static Future<Optional<Locked>> lockForGrowth(SqlClient sql, String id) {
    return sql.preparedQuery(LOCK_FOR_GROWTH).execute(Tuple.of(id)).map(rows -> firstLocked(rows, TenantStore::usageOf));
  }

  /** {@link #lockForGrowth} for several tenants, in id order; tenants that do not exist are absent. */
  static Future<List<Locked>> lockAllForGrowth(SqlClient sql, String[] ids) {
    return sql.preparedQuery(LOCK_ALL_FOR_GROWTH).execute(Tuple.of(ids)).map(rows -> {
      List<Locked> locked = new ArrayList<>();
      rows.forEach(row -> locked.add(lockedOf(row, usageOf(row))));
      return locked;
    });
  }

  /** The tenant's usage counters, without a lock; empty when there is no such tenant. */
  static Future<Optional<Usage>> usage(SqlClient sql, String id) {
    return sql.preparedQuery(USAGE).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(usageOf(rows.iterator().next())));
  }

  private static Optional<Locked> firstLocked(RowSet<Row> rows, Function<Row, Usage> usage) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(lockedOf(row, usage.apply(row)));
  }

  private static Locked lockedOf(Row row, Usage used) {
    return new Locked(row.getString("id"), row.getString("status"), row.getString("plan"),
        (JsonObject) row.getValue("quota"), used);
  }

  private static Usage usageOf(Row row) {
    return new Usage(row.getLong("used_instances"), row.getLong("used_cpu_millis"), row.getLong("used_memory_mb"),
        row.getLong("used_domains"), row.getLong("used_secrets"));
  }

  private static Optional<Tenant> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Tenant.fromRow(rows.iterator().next()));
  }
}
