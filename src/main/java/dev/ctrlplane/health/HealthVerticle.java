package dev.ctrlplane.health;

import dev.ctrlplane.bus.BusDispatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The health feature on the bus: {@value #ADDRESS} for API commands, balanced across the cluster, and this node's own
 * address for manual runs handed over by another node (the replicas listen on their owner's loopback).
 */
public final class HealthVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.health";
  private static final String NODE_PREFIX = "ctrlplane.health.node.";

  private final HealthService service;
  private final String node;
  private final BusDispatcher.RefusalListener refusals;

  public HealthVerticle(HealthService service, String node, BusDispatcher.RefusalListener refusals) {
    this.service = service;
    this.node = node;
    this.refusals = refusals;
  }

  static String nodeAddress(String node) {
    return NODE_PREFIX + node;
  }

  @Override
  public Future<?> start() {
    BusDispatcher commands = new BusDispatcher()
        .mutation("create", HealthService.RESOURCE, service::create)
        .query("list", service::list)
        .mutation("delete", HealthService.RESOURCE, service::delete)
        .mutation("run", HealthService.RESOURCE, service::run)
        .query("aggregate", service::aggregate)
        .onRefusal(refusals);
    BusDispatcher owner = new BusDispatcher()
        .mutation(HealthService.RUN_HERE, HealthService.RESOURCE, service::runHere)
        .onRefusal(refusals);
    return Future.all(commands.register(vertx, ADDRESS), owner.register(vertx, nodeAddress(node)));
  }
}
