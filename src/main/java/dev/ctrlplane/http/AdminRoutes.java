package dev.ctrlplane.http;

import dev.ctrlplane.admin.AdminVerticle;
import io.vertx.ext.web.Router;

/** {@code /v1/admin} (SPEC §10): operators only; the admin verticle checks the role on every action. */
public final class AdminRoutes {

  private static final String ADDRESS = AdminVerticle.ADDRESS;

  private final Gateway gateway;

  public AdminRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/admin/tenants").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.create", 201));
    router.get("/v1/admin/tenants").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.list", 200));
    router.get("/v1/admin/tenants/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.get", 200));
    router.patch("/v1/admin/tenants/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.update", 200));
    router.delete("/v1/admin/tenants/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.delete", 204));
    router.post("/v1/admin/tenants/:id/suspend").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.suspend", 200));
    router.post("/v1/admin/tenants/:id/unsuspend")
        .handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.unsuspend", 200));
    router.get("/v1/admin/tenants/:id/quota").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.quota", 200));
    router.put("/v1/admin/tenants/:id/quota").handler(ctx -> gateway.forward(ctx, ADDRESS, "tenant.update_quota", 200));
    router.get("/v1/admin/audit").handler(ctx -> gateway.forward(ctx, ADDRESS, "audit.list", 200));
    router.get("/v1/admin/audit/verify").handler(ctx -> gateway.forward(ctx, ADDRESS, "audit.verify", 200));
    router.get("/v1/admin/stats").handler(ctx -> gateway.forward(ctx, ADDRESS, "stats", 200));
    router.get("/v1/admin/providers").handler(ctx -> gateway.forward(ctx, ADDRESS, "providers", 200));
  }
}
