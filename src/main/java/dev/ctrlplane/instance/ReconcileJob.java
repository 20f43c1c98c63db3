package dev.ctrlplane.instance;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Reconcile of instances left in a transitional state (one cluster-wide item): an instance whose state has not
 * moved for a reconcile interval (its action lost with a bus message or a node) is converged again where its
 * replicas live, so that nothing stays {@code stopping} forever. Converging is idempotent: work still in flight
 * there simply runs first.
 */
final class ReconcileJob implements Job {

  static final String KIND = "instance.reconcile";
  private static final int BATCH = 500;

  private final InstanceStore store;
  private final InstanceRuntime runtime;
  private final Duration interval;

  ReconcileJob(InstanceStore store, InstanceRuntime runtime, Duration interval) {
    this.store = store;
    this.runtime = runtime;
    this.interval = interval;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return interval;
  }

  @Override
  public List<ScheduleItem> standing() {
    return List.of(ScheduleItem.every(KIND, "cluster", null, null, interval));
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return store.stuck(interval, BATCH).map(stuck -> {
      stuck.forEach(runtime::converge);
      return Outcome.again();
    });
  }
}
