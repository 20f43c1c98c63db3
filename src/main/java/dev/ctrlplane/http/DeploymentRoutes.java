package dev.ctrlplane.http;

import io.vertx.ext.web.Router;

/** Deployments and releases (SPEC §5). */
public final class DeploymentRoutes {

  private static final String ADDRESS = "ctrlplane.deployments";

  private final Gateway gateway;

  public DeploymentRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/instances/:id/deploy").handler(ctx -> gateway.forward(ctx, ADDRESS, "deploy", 201));
    router.post("/v1/instances/:id/rollback").handler(ctx -> gateway.forward(ctx, ADDRESS, "rollback", 201));
    router.get("/v1/instances/:id/deployments").handler(ctx -> gateway.forward(ctx, ADDRESS, "list", 200));
    router.get("/v1/deployments/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "get", 200));
    router.post("/v1/deployments/:id/cancel").handler(ctx -> gateway.forward(ctx, ADDRESS, "cancel", 200));
    router.get("/v1/instances/:id/releases").handler(ctx -> gateway.forward(ctx, ADDRESS, "releases", 200));
    router.get("/v1/releases/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "release", 200));
  }
}
