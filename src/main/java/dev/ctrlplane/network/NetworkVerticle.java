package dev.ctrlplane.network;

import dev.ctrlplane.bus.BusDispatcher;
import dev.ctrlplane.network.cert.CertService;
import dev.ctrlplane.network.domain.DomainService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The network feature on the bus ({@value #ADDRESS}): routes, domains and certificates. Actions
 * are named by resource ({@code route.create}) so those can share the address; the audit log records the verb.
 */
public final class NetworkVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.network";

  private final RouteService routes;
  private final DomainService domains;
  private final CertService certs;
  private final BusDispatcher.RefusalListener refusals;

  public NetworkVerticle(RouteService routes, DomainService domains, CertService certs,
      BusDispatcher.RefusalListener refusals) {
    this.routes = routes;
    this.domains = domains;
    this.certs = certs;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    return new BusDispatcher()
        .mutation("route.create", RouteService.RESOURCE, routes::add)
        .query("route.list", routes::list)
        .mutation("route.update", RouteService.RESOURCE, routes::update)
        .mutation("route.delete", RouteService.RESOURCE, routes::delete)
        .mutation("domain.create", DomainService.RESOURCE, domains::add)
        .query("domain.list", domains::list)
        .mutation("domain.delete", DomainService.RESOURCE, domains::delete)
        .mutation("domain.verify", DomainService.RESOURCE, domains::verify)
        .mutation("cert.create", CertService.RESOURCE, certs::issue)
        .query("cert.chain", certs::chain)
        .query("ca.root", certs::root)
        .onRefusal(refusals)
        .register(vertx, ADDRESS);
  }
}
