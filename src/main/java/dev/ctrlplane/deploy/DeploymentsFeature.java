package dev.ctrlplane.deploy;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.health.HealthFeature;
import dev.ctrlplane.http.DeploymentRoutes;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.instance.InstancesFeature;
import dev.ctrlplane.metrics.CountGauges;
import dev.ctrlplane.scheduler.Job;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import java.util.Arrays;
import java.util.List;

/**
 * Deployments and releases (SPEC §5): the API verticle, this node's deployment drivers, and at start-up the
 * deployments this node has to continue or undo.
 */
public final class DeploymentsFeature implements Feature {

  private static final int PROBE_CONNECT_TIMEOUT_MS = 1000;

  private final NodeServices node;
  private final DeploymentStore store;
  private final Rollouts rollouts;
  private final DeploymentService service;

  public DeploymentsFeature(NodeServices node, InstancesFeature instances, HealthFeature health) {
    this.node = node;
    this.store = new DeploymentStore(node.pool());
    DeployConfig config = node.config().deploy();
    ReplicaGate connect = new ConnectGate(node.vertx().createNetClient(
        new NetClientOptions().setConnectTimeout(PROBE_CONNECT_TIMEOUT_MS)));
    ReplicaGate gate = new HealthGate(health.store(), health.runner(), connect);
    this.rollouts = new Rollouts(node.vertx(), store, instances.store(), instances.runtime(), node.transactions(),
        node.providers(), gate, config);
    this.service = new DeploymentService(store, instances.store(), node.transactions(), node.tenancy(), rollouts,
        config.deadline());
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(new DeploymentVerticle(service, rollouts, node.refusals()));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new DeploymentRoutes(gateway).mount(router);
  }

  /** The watchdog that keeps every unfinished deployment driven where its instance runs. */
  @Override
  public List<Job> jobs() {
    return List.of(new DriveJob(store, rollouts));
  }

  @Override
  public Future<?> started() {
    CountGauges.start(node.vertx(), "ctrlplane.deployments", "deployments in each state (outcome), cluster-wide",
        "state", Arrays.stream(DeploymentState.values()).map(DeploymentState::wire).toList(), store::countByState,
        node.config().metricsInterval());
    return rollouts.resumeNode();
  }
}
