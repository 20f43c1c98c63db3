package dev.ctrlplane.instance;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.InstanceRoutes;
import dev.ctrlplane.http.InstanceWaiters;
import dev.ctrlplane.metrics.CountGauges;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.NodeStore;
import dev.ctrlplane.scheduler.SchedulerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances (SPEC §4): the verticle on every event loop, this node's runtime, the {@code ?wait=} registry of the
 * edge, at start-up the reconcile of the instances this node owns, and the scheduled reconcile and take-over.
 */
public final class InstancesFeature implements Feature {


  private final NodeServices node;
  private final InstanceStore store;
  private final InstanceRuntime runtime;
  private final InstanceService service;
  private final InstanceWaiters waiters;
  private volatile InstanceDecorator decorator = InstanceDecorator.NONE;

  public InstancesFeature(NodeServices node) {
    this.node = node;
    this.store = new InstanceStore(node.pool());
    this.runtime = new InstanceRuntime(node.vertx(), store, node.transactions(), node.providers(), node.nodeName());
    this.service = new InstanceService(store, node.transactions(), node.tenancy(), node.providers(), runtime);
    this.waiters = new InstanceWaiters(node.vertx());
  }

  public InstanceService service() {
    return service;
  }

  public InstanceRuntime runtime() {
    return runtime;
  }

  public InstanceStore store() {
    return store;
  }

  /** Installs what adds other features' fields to instances as the API shows them; before the edge starts. */
  public void decorateWith(InstanceDecorator decorator) {
    this.decorator = decorator;
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    DeploymentOptions perEventLoop = new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    return waiters.start()
        .compose(subscribed -> vertx.deployVerticle(() -> new InstanceVerticle(service, runtime, node.refusals()),
            perEventLoop));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new InstanceRoutes(gateway, waiters, instance -> decorator.decorate(instance)).mount(router);
  }

  private Future<Map<String, Long>> countByState() {
    return store.countByState().map(counts -> {
      Map<String, Long> byName = new HashMap<>();
      counts.forEach((state, n) -> byName.put(state.wire(), n));
      return byName;
    });
  }

  /** Reconcile of stuck transitional states, and take-over of dead nodes' instances. */
  @Override
  public List<Job> jobs() {
    SchedulerConfig scheduler = node.config().scheduler();
    return List.of(
        new ReconcileJob(store, runtime, scheduler.reconcileInterval()),
        new TakeOverJob(store, runtime, new NodeStore(node.pool()), scheduler.nodeTimeout(),
            scheduler.heartbeatInterval()));
  }

  @Override
  public Future<?> started() {
    CountGauges.start(node.vertx(), "ctrlplane.instances", "instances in each state, cluster-wide", "state",
        Arrays.stream(InstanceState.values()).map(InstanceState::wire).toList(), this::countByState, node.config().metricsInterval());
    // Orphans are this node's own business (its providers' replicas), so the sweep is a local timer, not a job.
    node.vertx().setPeriodic(node.config().scheduler().reconcileInterval().toMillis(), tick -> runtime.removeOrphans());
    return runtime.reconcileNode();
  }
}
