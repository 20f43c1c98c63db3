package dev.ctrlplane.http;

import dev.ctrlplane.health.HealthVerticle;
import io.vertx.ext.web.Router;

/**
 * Health checks (SPEC §6): {@code /v1/instances/{id}/health/checks} to create and list an instance's checks,
 * {@code /v1/health/checks/{checkId}} to delete one or run it now, {@code /v1/instances/{id}/health} for the instance's
 * health. The check id travels as the path {@code :id}, like every other resource id.
 */
public final class HealthRoutes {

  private static final String ADDRESS = HealthVerticle.ADDRESS;

  private final Gateway gateway;

  public HealthRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/instances/:id/health/checks").handler(ctx -> gateway.forward(ctx, ADDRESS, "create", 201));
    router.get("/v1/instances/:id/health/checks").handler(ctx -> gateway.forward(ctx, ADDRESS, "list", 200));
    router.get("/v1/instances/:id/health").handler(ctx -> gateway.forward(ctx, ADDRESS, "aggregate", 200));
    router.delete("/v1/health/checks/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "delete", 204));
    router.post("/v1/health/checks/:id/run").handler(ctx -> gateway.forward(ctx, ADDRESS, "run", 200));
  }
}
