package dev.ctrlplane.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Custom domains and their certificates (SPEC §8), served by the network feature. Certificates are answered as PEM
 * ({@code application/pem-certificate-chain}, RFC 8555 §9.1): the chain, leaf first; the root of the built-in
 * authority for operators.
 */
public final class DomainRoutes {

  private static final String ADDRESS = "ctrlplane.network";
  static final String PEM_CHAIN = "application/pem-certificate-chain";

  private final Gateway gateway;

  public DomainRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  public void mount(Router router) {
    router.post("/v1/instances/:id/domains").handler(ctx -> gateway.forward(ctx, ADDRESS, "domain.create", 201));
    router.get("/v1/instances/:id/domains").handler(ctx -> gateway.forward(ctx, ADDRESS, "domain.list", 200));
    router.delete("/v1/domains/:id").handler(ctx -> gateway.forward(ctx, ADDRESS, "domain.delete", 204));
    router.post("/v1/domains/:id/verify").handler(ctx -> gateway.forward(ctx, ADDRESS, "domain.verify", 200));
    router.post("/v1/domains/:id/cert").handler(ctx -> gateway.forward(ctx, ADDRESS, "cert.create", 201));
    router.get("/v1/domains/:id/cert").handler(ctx -> pem(ctx, "cert.chain"));
    router.get("/v1/admin/ca").handler(ctx -> pem(ctx, "ca.root"));
  }

  /** The reply's {@code pem} as the body. */
  private void pem(RoutingContext ctx, String action) {
    gateway.call(ctx, action).compose(call -> gateway.bus().request(ADDRESS, call))
        .onSuccess(reply -> ctx.response().setStatusCode(200).putHeader("Content-Type", PEM_CHAIN)
            .end(((JsonObject) reply).getString("pem")))
        .onFailure(ctx::fail);
  }
}
