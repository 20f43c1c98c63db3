package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.config.CtrlplaneConfig.TenancyConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tenancy rules every tenant-scoped write goes through, inside its transaction: the tenant must exist and be
 * active, and growth must fit its quota (the row locks are {@link TenantStore}'s). Locking the tenant row orders
 * concurrent writers: {@code FOR NO KEY UPDATE} for calls that grow usage (so 20 parallel creates against a quota of
 * 5 leave exactly 5), {@code FOR SHARE} for the rest (so a suspension cannot interleave with them). Usage is read
 * from the tenant row itself: triggers on {@code instances} and {@code secrets} keep its counters in the transaction
 * of each change (migrations V002, V005), and a row locked after a wait is returned as the writer before us committed
 * it.
 */
public final class Tenancy {

  /**
   * A tenant as a transaction holding its lock sees it: whether it may change, its quota and what it uses now.
   * {@link #admit} applies the rules of {@link Tenancy#requireRoomFor} to it, so that a group of creates can be
   * decided one after the other against the counters they leave behind.
   */
  public record Standing(String tenantId, String status, Quota quota, Usage used) {

    /** The standing after growing by {@code delta}; 403 if the tenant is suspended, 429 if over quota. */
    public Standing admit(Usage delta) {
      requireActive(tenantId, status);
      check(tenantId, quota, used, delta);
      return new Standing(tenantId, status, quota, used.plus(delta));
    }
  }

  private final TenancyConfig config;

  public Tenancy(TenancyConfig config) {
    this.config = config;
  }

  /** Locks the tenant for a write that does not grow usage; 400 if unknown, 403 if suspended. */
  public Future<Quota> requireActive(SqlClient sql, String tenantId) {
    return TenantStore.lockShared(sql, tenantId).map(found -> quotaOf(active(found, tenantId)));
  }

  /** Locks the tenant for a write that may grow usage, to be checked later in the same transaction. */
  public Future<Quota> lockForGrowth(SqlClient sql, String tenantId) {
    return TenantStore.lockForGrowth(sql, tenantId).map(found -> quotaOf(active(found, tenantId)));
  }

  /**
   * Locks the tenant for growth (a no-op when this transaction holds the lock already) and checks that adding
   * {@code delta} keeps it within quota; fails with {@link QuotaExceededException} otherwise.
   */
  public Future<Void> requireRoomFor(SqlClient sql, String tenantId, Usage delta) {
    return TenantStore.lockForGrowth(sql, tenantId).map(found -> {
      standingOf(found.orElseThrow(() -> unknown(tenantId))).admit(delta);
      return null;
    });
  }

  /**
   * Locks every named tenant for growth, in id order, and returns how each stands; a tenant that does not exist is
   * absent from the map (see {@link #unknown}).
   */
  public Future<Map<String, Standing>> lockAllForGrowth(SqlClient sql, Collection<String> tenantIds) {
    String[] ids = tenantIds.stream().distinct().toArray(String[]::new);
    return TenantStore.lockAllForGrowth(sql, ids).map(locked -> {
      Map<String, Standing> standings = new HashMap<>();
      locked.forEach(tenant -> standings.put(tenant.id(), standingOf(tenant)));
      return standings;
    });
  }

  /** The refusal for a write that names a tenant that does not exist. */
  public static ApiException unknown(String tenantId) {
    return ApiException.invalidField("tenant_id", "tenant " + tenantId + " does not exist");
  }

  public Future<Usage> usage(SqlClient sql, String tenantId) {
    return TenantStore.usage(sql, tenantId).map(found -> found.orElse(new Usage(0, 0, 0, 0, 0)));
  }

  /** The tenant's own quota, or its plan's default. */
  public Quota effectiveQuota(String plan, JsonObject ownQuota) {
    return ownQuota == null ? config.quotaOf(plan) : Quota.fromJson(ownQuota);
  }

  private static TenantStore.Locked active(Optional<TenantStore.Locked> found, String tenantId) {
    TenantStore.Locked tenant = found.orElseThrow(() -> unknown(tenantId));
    requireActive(tenantId, tenant.status());
    return tenant;
  }

  private static void requireActive(String tenantId, String status) {
    if (!"active".equals(status)) {
      throw ApiException.forbidden("tenant " + tenantId + " is suspended: it is read-only");
    }
  }

  private Standing standingOf(TenantStore.Locked tenant) {
    return new Standing(tenant.id(), tenant.status(), quotaOf(tenant), tenant.used());
  }

  private Quota quotaOf(TenantStore.Locked tenant) {
    return effectiveQuota(tenant.plan(), tenant.ownQuota());
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
