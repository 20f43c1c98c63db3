package dev.ctrlplane.http;

import io.vertx.ext.web.Router;

/** Routes of the edge router (SPEC §8). */
public final class RouteRoutes {

  private static final String ADDRESS = "ctrlplane.network";

  private final Gateway gateway;

  public RouteRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/instances/:id/routes").handler(ctx -> gateway.forward(ctx, ADDRESS, "route.create", 201));
    router.get("/v1/instances/:id/routes").handler(ctx -> gateway.forward(ctx, ADDRESS, "route.list", 200));
    router.patch("/v1/routes/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "route.update", 200));
    router.delete("/v1/routes/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "route.delete", 204));
  }
}
