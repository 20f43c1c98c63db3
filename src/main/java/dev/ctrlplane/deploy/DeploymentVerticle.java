package dev.ctrlplane.deploy;

import dev.ctrlplane.bus.BusDispatcher;
import dev.ctrlplane.bus.Envelope;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Deployments on the bus: {@value #ADDRESS} for API commands, and this node's driver address, where deployments of
 * the instances it runs are handed over.
 */
final class DeploymentVerticle extends VerticleBase {

  static final String ADDRESS = "ctrlplane.deployments";

  private final DeploymentService service;
  private final Rollouts rollouts;
  private final BusDispatcher.RefusalListener refusals;

  DeploymentVerticle(DeploymentService service, Rollouts rollouts, BusDispatcher.RefusalListener refusals) {
    this.service = service;
    this.rollouts = rollouts;
    this.refusals = refusals;
  }

  @Override
  public Future<?> start() {
    BusDispatcher api = new BusDispatcher()
        .mutation("deploy", DeploymentService.INSTANCE, service::deploy)
        .mutation("rollback", DeploymentService.INSTANCE, service::rollback)
        .query("get", service::get)
        .query("list", service::list)
        .mutation("cancel", DeploymentService.DEPLOYMENT, service::cancel)
        .query("releases", service::releases)
        .query("release", service::release)
        .onRefusal(refusals);
    BusDispatcher node = new BusDispatcher().query("drive", call -> {
      rollouts.drive(Envelope.id(call));
      return Future.succeededFuture();
    });
    return Future.all(api.register(vertx, ADDRESS), node.register(vertx, Rollouts.nodeAddress(rollouts.node())));
  }
}
