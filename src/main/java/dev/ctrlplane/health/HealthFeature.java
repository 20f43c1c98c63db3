package dev.ctrlplane.health;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.bus.BusClient;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.HealthRoutes;
import dev.ctrlplane.instance.InstancesFeature;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.RetentionJob;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;

/**
 * Health checks (SPEC §6): the verticle and routes, the probes this node runs for the instances it owns, and what the
 * rest of the node asks of health: per-replica health ({@link #replicaHealth}) and the checks a deployment gates on
 * ({@link #runner}, {@link #store}). Its jobs: {@code health.check} (one item per enabled check) and
 * {@code retention.health_results}.
 */
public final class HealthFeature implements Feature {

  private static final Duration OWNER_TIMEOUT = Duration.ofSeconds(30);

  private final NodeServices node;
  private final HealthStore store;
  private final HealthRunner runner;
  private final ReplicaHealth replicaHealth;
  private final HealthService service;
  private final Probes probes;
  private final HealthCheckJob checkJob;
  private final RetentionJob retention;

  public HealthFeature(NodeServices node, InstancesFeature instances) {
    this.node = node;
    HealthConfig config = node.config().health();
    this.store = new HealthStore(node.pool());
    this.probes = new Probes(node.vertx(), config);
    this.runner = new HealthRunner(node.providers(), probes, config);
    this.replicaHealth = new ReplicaHealth(node.vertx(), store);
    HealthRecorder recorder = new HealthRecorder(store);
    this.checkJob = new HealthCheckJob(runner, recorder, replicaHealth, instances.store(), config.lease());
    this.retention = new RetentionJob("health_results", node.pool(), config.retention(),
        (pool, keep, limit) -> store.prune(Times.now().minus(keep), limit));
    this.service = new HealthService(store, instances.store(), node.transactions(), node.tenancy(), config, runner,
        recorder, replicaHealth, checkJob, new BusClient(node.vertx(), OWNER_TIMEOUT));
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(new HealthVerticle(service, node.nodeName(), node.refusals()));
  }

  /** Each check's runs, on the node that owns its instance; and the pruning of old results, on any one node. */
  @Override
  public List<Job> jobs() {
    return List.of(checkJob, retention);
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new HealthRoutes(gateway).mount(router);
  }

  public HealthStore store() {
    return store;
  }

  public HealthRunner runner() {
    return runner;
  }

  public ReplicaHealth replicaHealth() {
    return replicaHealth;
  }
}
