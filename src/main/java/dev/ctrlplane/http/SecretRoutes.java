package dev.ctrlplane.http;

import dev.ctrlplane.secrets.SecretsVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/instances/{id}/secrets} (SPEC §9). Requests go to this node's secrets verticle only, so a value never
 * crosses the cluster's event bus. A set answers 201 for a new key (version 1) and 200 for a new version. A file key
 * with '/' is one path segment in a DELETE, percent-encoded: {@code …/secrets/config%2Fdb.yaml}.
 */
public final class SecretRoutes {

  private static final String ADDRESS = SecretsVerticle.ADDRESS;

  private final Gateway gateway;

  public SecretRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/instances/:id/secrets").handler(this::set);
    router.get("/v1/instances/:id/secrets").handler(ctx -> local(ctx, "list", 200));
    router.delete("/v1/instances/:id/secrets/:key").handler(ctx -> local(ctx, "delete", 204));
  }

  private void set(RoutingContext ctx) {
    gateway.call(ctx, "set").compose(call -> gateway.bus().requestLocal(ADDRESS, call))
        .onSuccess(reply -> Gateway.respond(ctx, ((JsonObject) reply).getInteger("version") == 1 ? 201 : 200, reply))
        .onFailure(ctx::fail);
  }

  private void local(RoutingContext ctx, String action, int status) {
    gateway.call(ctx, action).compose(call -> gateway.bus().requestLocal(ADDRESS, call))
        .onSuccess(reply -> Gateway.respond(ctx, status, reply))
        .onFailure(ctx::fail);
  }
}
