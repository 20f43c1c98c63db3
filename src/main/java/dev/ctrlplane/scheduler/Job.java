package dev.ctrlplane.scheduler;

import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * One kind of scheduled work. A feature contributes its jobs through {@code Feature.jobs()}; the scheduler of every
 * node claims due items of the kinds it knows and calls {@link #run} on the node that claimed them, on the
 * scheduler's event loop (blocking work belongs on a worker).
 */
public interface Job {

  /** The kind of the items this job runs, e.g. {@code health.check}. */
  String kind();

  /**
   * How long a claim holds. A run that has not finished by then is abandoned here, and the item becomes due again
   * for any node: a node that died or froze loses its claims after this long.
   */
  Duration lease();

  /** Does the work of one due item. A failed future is logged; periodic items then run again on their grid. */
  Future<Outcome> run(ScheduledItem item);

  /**
   * Stores what a batch of runs found, in the transaction that completes their claims, and only for the runs whose
   * claim still held: so each run's result is recorded exactly once. {@code tx} belongs to a system call (it may
   * emit events; it writes no audit entry).
   */
  default Future<Void> record(Tx tx, List<Ran> ran) {
    return Future.succeededFuture();
  }

  /** Items this job keeps on the schedule for the whole cluster (periodic singletons); added when missing. */
  default List<ScheduleItem> standing() {
    return List.of();
  }
}
