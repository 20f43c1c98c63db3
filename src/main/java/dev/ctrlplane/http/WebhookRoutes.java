package dev.ctrlplane.http;

import dev.ctrlplane.events.webhooks.WebhooksVerticle;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /v1/webhooks} (SPEC §11), to this node's webhooks verticle (a create's reply holds the secret). */
public final class WebhookRoutes {

  private final Gateway gateway;

  public WebhookRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/webhooks").handler(ctx -> local(ctx, "create", 201));
    router.get("/v1/webhooks").handler(ctx -> local(ctx, "list", 200));
    router.get("/v1/webhooks/:id").handler(ctx -> local(ctx, "get", 200));
    router.delete("/v1/webhooks/:id").handler(ctx -> local(ctx, "delete", 204));
    router.get("/v1/webhooks/:id/deliveries").handler(ctx -> local(ctx, "deliveries", 200));
  }

  private void local(RoutingContext ctx, String action, int status) {
    gateway.call(ctx, action).compose(call -> gateway.bus().requestLocal(WebhooksVerticle.ADDRESS, call))
        .onSuccess(reply -> Gateway.respond(ctx, status, reply))
        .onFailure(ctx::fail);
  }
}
