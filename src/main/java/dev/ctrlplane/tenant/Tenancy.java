package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.config.CtrlplaneConfig.TenancyConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The tenancy rules every tenant-scoped write goes through, inside its transaction: the tenant must exist and be
 * active, and growth must fit its quota. Locking the tenant row orders concurrent writers: {@code FOR NO KEY UPDATE}
 * for calls that grow usage (so 20 parallel creates against a quota of 5 leave exactly 5), {@code FOR SHARE} for the
 * rest (so a suspension cannot interleave with them). Usage is read from the tenant row itself: triggers on
 * {@code instances} keep its counters in the transaction of each change (migration V002), and a row locked after a
 * wait is returned as the writer before us committed it.
 */
public final class Tenancy {

  private static final String LOCK_SHARED = "SELECT id, status, plan, quota FROM tenants WHERE id = $1 FOR SHARE";
  private static final String LOCK_FOR_GROWTH = """
      SELECT id, status, plan, quota, used_instances, used_cpu_millis, used_memory_mb
      FROM tenants WHERE id = $1 FOR NO KEY UPDATE""";
  private static final String USAGE = "SELECT used_instances, used_cpu_millis, used_memory_mb FROM tenants WHERE id = $1";

  private final TenancyConfig config;

  public Tenancy(TenancyConfig config) {
    this.config = config;
  }

  /** Locks the tenant for a write that does not grow usage; 400 if unknown, 403 if suspended. */
  public Future<Quota> requireActive(SqlClient sql, String tenantId) {
    return sql.preparedQuery(LOCK_SHARED).execute(Tuple.of(tenantId)).map(rows -> quotaOf(activeRow(rows, tenantId)));
  }

  /** Locks the tenant for a write that may grow usage, to be checked later in the same transaction. */
  public Future<Quota> lockForGrowth(SqlClient sql, String tenantId) {
    return sql.preparedQuery(LOCK_FOR_GROWTH).execute(Tuple.of(tenantId)).map(rows -> quotaOf(activeRow(rows, tenantId)));
  }

  /**
   * Locks the tenant for growth (a no-op when this transaction holds the lock already) and checks that adding
   * {@code delta} keeps it within quota; fails with {@link QuotaExceededException} otherwise.
   */
  public Future<Void> requireRoomFor(SqlClient sql, String tenantId, Usage delta) {
    return sql.preparedQuery(LOCK_FOR_GROWTH).execute(Tuple.of(tenantId)).map(rows -> {
      Row row = activeRow(rows, tenantId);
      check(tenantId, quotaOf(row), usageOf(row), delta);
      return null;
    });
  }

  public Future<Usage> usage(SqlClient sql, String tenantId) {
    return sql.preparedQuery(USAGE).execute(Tuple.of(tenantId))
        .map(rows -> rows.size() == 0 ? new Usage(0, 0, 0, 0, 0) : usageOf(rows.iterator().next()));
  }

  /** The tenant's own quota, or its plan's default. */
  public Quota effectiveQuota(String plan, JsonObject ownQuota) {
    return ownQuota == null ? config.quotaOf(plan) : Quota.fromJson(ownQuota);
  }

  private static Row activeRow(RowSet<Row> rows, String tenantId) {
    if (rows.size() == 0) {
      throw ApiException.invalidField("tenant_id", "tenant " + tenantId + " does not exist");
    }
    Row row = rows.iterator().next();
    if (!"active".equals(row.getString("status"))) {
      throw ApiException.forbidden("tenant " + tenantId + " is suspended: it is read-only");
    }
    return row;
  }

  private Quota quotaOf(Row row) {
    return effectiveQuota(row.getString("plan"), (JsonObject) row.getValue("quota"));
  }

  private static Usage usageOf(Row row) {
    return new Usage(row.getLong("used_instances"), row.getLong("used_cpu_millis"), row.getLong("used_memory_mb"), 0, 0);
  }

  static void check(String tenantId, Quota quota, Usage used, Usage delta) {
    Usage after = used.plus(delta);
    if (delta.instances() > 0 && after.instances() > quota.maxInstances()) {
      throw new QuotaExceededException(tenantId, "max_instances", quota.maxInstances(), after.instances());
    }
    if (delta.cpuMillis() > 0 && after.cpuMillis() > quota.maxCpuMillis()) {
      throw new QuotaExceededException(tenantId, "max_cpu_millis", quota.maxCpuMillis(), after.cpuMillis());
    }
    if (delta.memoryMb() > 0 && after.memoryMb() > quota.maxMemoryMb()) {
      throw new QuotaExceededException(tenantId, "max_memory_mb", quota.maxMemoryMb(), after.memoryMb());
    }
    if (delta.domains() > 0 && after.domains() > quota.maxDomains()) {
      throw new QuotaExceededException(tenantId, "max_domains", quota.maxDomains(), after.domains());
    }
    if (delta.secrets() > 0 && after.secrets() > quota.maxSecrets()) {
      throw new QuotaExceededException(tenantId, "max_secrets", quota.maxSecrets(), after.secrets());
    }
  }
}
