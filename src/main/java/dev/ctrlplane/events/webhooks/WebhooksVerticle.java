package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.bus.BusDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Webhooks on the bus ({@value #ADDRESS}), registered on this node only: a create's reply carries the signing
 * secret, which never crosses the cluster's event bus.
 */
public final class WebhooksVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.webhooks";

  private final WebhookService service;
  private final BusDispatcher.RefusalListener refusals;

  public WebhooksVerticle(WebhookService service, BusDispatcher.RefusalListener refusals) {
    this.service = service;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    return new BusDispatcher()
        .mutation("create", WebhookService.RESOURCE, service::create)
        .query("list", service::list)
        .query("get", service::get)
        .mutation("delete", WebhookService.RESOURCE, service::delete)
        .query("deliveries", service::deliveries)
        .onRefusal(refusals)
        .registerLocal(vertx, ADDRESS);
  }
}
