package dev.ctrlplane.tenant;

import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** All SQL about tenants. Updates are compare-and-set on {@code version}. */
public final class TenantStore {

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

  private static Optional<Tenant> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Tenant.fromRow(rows.iterator().next()));
  }
}
