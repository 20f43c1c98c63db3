package dev.ctrlplane.admin;

import dev.ctrlplane.audit.AuditQueries;
import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.BusDispatcher;
import dev.ctrlplane.bus.BusDispatcher.Operation;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.tenant.TenantService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The admin feature on the bus ({@value #ADDRESS}): operators only, checked here for every action. */
public final class AdminVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.admin";
  private static final String TENANT = "tenant";

  private final TenantService tenants;
  private final AuditQueries audit;
  private final AdminStats stats;
  private final BusDispatcher.RefusalListener refusals;

  public AdminVerticle(TenantService tenants, AuditQueries audit, AdminStats stats,
      BusDispatcher.RefusalListener refusals) {
    this.tenants = tenants;
    this.audit = audit;
    this.stats = stats;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    return new BusDispatcher()
        .mutation("tenant.create", TENANT, operatorsOnly(tenants::create))
        .query("tenant.list", operatorsOnly(tenants::list))
        .query("tenant.get", operatorsOnly(tenants::get))
        .mutation("tenant.update", TENANT, operatorsOnly(tenants::update))
        .mutation("tenant.delete", TENANT, operatorsOnly(tenants::delete))
        .mutation("tenant.suspend", TENANT, operatorsOnly(tenants::suspend))
        .mutation("tenant.unsuspend", TENANT, operatorsOnly(tenants::unsuspend))
        .query("tenant.quota", operatorsOnly(tenants::quota))
        .mutation("tenant.update_quota", TENANT, operatorsOnly(tenants::putQuota))
        .query("audit.list", operatorsOnly(call -> audit.page(Envelope.query(call))))
        .query("audit.verify", operatorsOnly(call -> audit.verify(Envelope.query(call).getString("tenant_id"))))
        .query("stats", operatorsOnly(call -> stats.stats()))
        .query("providers", operatorsOnly(call -> stats.providers()))
        .onRefusal(refusals)
        .register(vertx, ADDRESS);
  }

  private static Operation operatorsOnly(Operation operation) {
    return call -> call.principal().isAdmin()
        ? operation.apply(call)
        : Future.failedFuture(ApiException.forbidden("operators only: this needs the system:admin role"));
  }
}
