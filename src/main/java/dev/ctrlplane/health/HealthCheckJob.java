package dev.ctrlplane.health;

import dev.ctrlplane.instance.InstanceStore;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.Ran;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduleStore;
import dev.ctrlplane.scheduler.ScheduledItem;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code health.check}: one schedule item per enabled check, keyed by the check's id and bound to its instance, so
 * only the node that runs the instance's replicas claims it (they listen on that node's loopback). The item carries
 * the check and what its probes need of the instance, so a run reads nothing from the store: it asks the provider for
 * the replicas, probes each, and hands the run back in its outcome. {@link #record} stores a whole batch of runs in
 * the transaction that completes their claims, so each run's results are stored exactly once, and emits the
 * transitions; replica-health changes are published after that commit.
 */
final class HealthCheckJob implements Job, HealthSchedule {

  static final String KIND = "health.check";

  private final HealthRunner runner;
  private final HealthRecorder recorder;
  private final ReplicaHealth replicaHealth;
  private final InstanceStore instances;
  private final Duration lease;

  HealthCheckJob(HealthRunner runner, HealthRecorder recorder, ReplicaHealth replicaHealth, InstanceStore instances,
      Duration lease) {
    this.runner = runner;
    this.recorder = recorder;
    this.replicaHealth = replicaHealth;
    this.instances = instances;
    this.lease = lease;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return lease;
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    HealthCheck check = HealthCheck.fromJson(item.payload().getJsonObject("check"));
    ProbeSubject subject = ProbeSubject.fromJson(item.payload().getJsonObject("instance"));
    Future<ProbeSubject> ready = check.type() != CheckType.COMMAND
        ? Future.succeededFuture(subject)
        : instances.find(subject.instanceId()).map(found -> found.map(i -> subject.withEnv(i.env())).orElse(subject));
    return ready.compose(s -> runner.run(check, s))
        .map(run -> Outcome.again().with(run.scheduledFor(item.dueAt()).toJson()));
  }

  @Override
  public Future<Void> record(Tx tx, List<Ran> ran) {
    List<CheckRun> runs = new ArrayList<>(ran.size());
    for (Ran r : ran) {
      if (r.outcome().result() != null) {
        runs.add(CheckRun.fromJson(r.outcome().result()));
      }
    }
    return recorder.record(tx.sql(), runs).map(recorded -> {
      HealthService.emitTransitions(tx, recorded);
      if (!recorded.replicaChanges().isEmpty()) {
        tx.afterCommit(() -> replicaHealth.publish(recorded.replicaChanges()));
      }
      return null;
    });
  }

  /** The check's item, first due at a random point of its first interval so that many checks spread out. */
  @Override
  public Future<Void> put(SqlConnection sql, HealthCheck check, ProbeSubject instance) {
    if (!check.enabled()) {
      return Future.succeededFuture();
    }
    JsonObject payload = new JsonObject().put("check", check.toJson()).put("instance", instance.toJson());
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, check.interval().toMillis()));
    return ScheduleStore.put(sql, new ScheduleItem(KIND, check.id(), check.instanceId(), payload, check.interval(),
        Instant.now().plusMillis(jitter)));
  }

  @Override
  public Future<Void> cancel(SqlConnection sql, HealthCheck check) {
    return ScheduleStore.cancel(sql, KIND, check.id());
  }
}
