package dev.ctrlplane.network;

import dev.ctrlplane.bus.BusDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The network feature on the bus ({@value #ADDRESS}): routes now; domains and certificates join it later. Actions
 * are named by resource ({@code route.create}) so those can share the address; the audit log records the verb.
 */
public final class NetworkVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.network";

  private final RouteService routes;
  private final BusDispatcher.RefusalListener refusals;

  public NetworkVerticle(RouteService routes, BusDispatcher.RefusalListener refusals) {
    this.routes = routes;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    return new BusDispatcher()
        .mutation("route.create", RouteService.RESOURCE, routes::add)
        .query("route.list", routes::list)
        .mutation("route.update", RouteService.RESOURCE, routes::update)
        .mutation("route.delete", RouteService.RESOURCE, routes::delete)
        .onRefusal(refusals)
        .register(vertx, ADDRESS);
  }
}
