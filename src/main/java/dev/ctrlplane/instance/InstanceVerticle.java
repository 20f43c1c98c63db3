package dev.ctrlplane.instance;

import dev.ctrlplane.bus.BusDispatcher;
import dev.ctrlplane.bus.Envelope;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The instances feature on the bus: {@value #ADDRESS} for API commands, and this node's own address. */
public final class InstanceVerticle extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.instances";

  private final InstanceService service;
  private final InstanceRuntime runtime;
  private final BusDispatcher.RefusalListener refusals;

  public InstanceVerticle(InstanceService service, InstanceRuntime runtime, BusDispatcher.RefusalListener refusals) {
    this.service = service;
    this.runtime = runtime;
    this.refusals = refusals;
  }

  /**
   * The API commands on the feature address, balanced across the cluster; the same commands on this node's own
   * address ({@link InstanceRuntime#nodeAddress}), so a caller on the bus can have a command taken off the bus by a
   * given node; and there too the runtime's {@code converge}, work for an instance this node owns.
   */
  @Override
  public Future<?> start() {
    BusDispatcher node = commands().query("converge", call -> {
      runtime.convergeSent(Envelope.id(call));
      return Future.succeededFuture();
    });
    return Future.all(commands().register(vertx, ADDRESS),
        node.register(vertx, InstanceRuntime.nodeAddress(runtime.node())));
  }

  private BusDispatcher commands() {
    BusDispatcher commands = new BusDispatcher()
        .mutation("create", InstanceService.RESOURCE, service::create)
        .query("get", service::get)
        .query("list", service::list)
        .mutation("update", InstanceService.RESOURCE, service::update)
        .onRefusal(refusals);
    for (InstanceAction action : InstanceAction.values()) {
      if (action != InstanceAction.DEPLOY) {
        commands.mutation(action.wire(), InstanceService.RESOURCE, call -> service.act(call, action));
      }
    }
    return commands;
  }
}
