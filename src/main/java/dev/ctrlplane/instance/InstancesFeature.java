package dev.ctrlplane.instance;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.InstanceRoutes;
import dev.ctrlplane.http.InstanceWaiters;
import dev.ctrlplane.metrics.DomainMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * Instances (SPEC §4): the verticle on every event loop, this node's runtime, the {@code ?wait=} registry of the
 * edge, and at start-up the reconcile of the instances this node owns.
 */
public final class InstancesFeature implements Feature {

  private static final Duration METRICS_INTERVAL = Duration.ofSeconds(15);

  private final NodeServices node;
  private final InstanceStore store;
  private final InstanceRuntime runtime;
  private final InstanceService service;
  private final InstanceWaiters waiters;

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

  @Override
  public Future<?> deploy(Vertx vertx) {
    DeploymentOptions perEventLoop = new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    return waiters.start()
        .compose(subscribed -> vertx.deployVerticle(() -> new InstanceVerticle(service, runtime, node.refusals()),
            perEventLoop));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new InstanceRoutes(gateway, waiters).mount(router);
  }

  @Override
  public Future<?> started() {
    DomainMetrics.start(node.vertx(), store, METRICS_INTERVAL);
    return runtime.reconcileNode();
  }
}
