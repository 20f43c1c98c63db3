package dev.ctrlplane.secrets;

import dev.ctrlplane.bus.BusDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The secrets feature on the bus ({@value #ADDRESS}), registered on this node only: the edge of the node that took
 * the HTTP request hands a value to its own verticle, so plaintext never travels between cluster nodes.
 */
public final class SecretsVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.secrets";

  private final SecretService service;
  private final BusDispatcher.RefusalListener refusals;

  public SecretsVerticle(SecretService service, BusDispatcher.RefusalListener refusals) {
    this.service = service;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    return new BusDispatcher()
        .mutation("set", SecretService.RESOURCE, service::set)
        .query("list", service::list)
        .mutation("delete", SecretService.RESOURCE, service::delete)
        .onRefusal(refusals)
        .registerLocal(vertx, ADDRESS);
  }
}
