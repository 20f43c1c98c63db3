package dev.ctrlplane.admin;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.audit.AuditQueries;
import dev.ctrlplane.http.AdminRoutes;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.tenant.TenantInstances;
import dev.ctrlplane.tenant.TenantService;
import dev.ctrlplane.tenant.TenantStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The admin API (SPEC §10): tenants, quotas, suspension, the audit log, stats and providers; operators only. */
public final class AdminFeature implements Feature {

  private final NodeServices node;
  private final TenantService tenants;
  private final AuditQueries audit;
  private final AdminStats stats;

  /** {@code instances} is what a tenant suspension suspends and an unsuspension resumes. */
  public AdminFeature(NodeServices node, TenantInstances instances) {
    this.node = node;
    this.tenants = new TenantService(new TenantStore(node.pool()), node.transactions(), node.tenancy(),
        node.config().tenancy(), instances);
    this.audit = new AuditQueries(node.pool());
    this.stats = new AdminStats(node.vertx(), new AdminStore(node.pool()), node.providers());
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(new AdminVerticle(tenants, audit, stats, node.refusals()));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new AdminRoutes(gateway).mount(router);
  }
}
