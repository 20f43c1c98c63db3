package dev.ctrlplane.scheduler;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;

/**
 * Retention of one kind of stored history (events, health results, ...): one cluster-wide item that deletes rows
 * older than the retention in batches. It runs at a hundredth of the retention, between once a second and once every
 * ten minutes, so that nothing outlives its retention by more than a few percent.
 */
public final class RetentionJob implements Job {

  /** Deletes at most {@code limit} rows older than {@code retention}; completes with how many went. */
  @FunctionalInterface
  public interface Prune {
    Future<Integer> prune(Pool pool, Duration retention, int limit);
  }

  private static final int BATCH = 10_000;
  private static final int MAX_BATCHES_PER_RUN = 20;
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

  private final String kind;
  private final Pool pool;
  private final Duration retention;
  private final Prune prune;

  /** {@code what} names the history, e.g. {@code events}: the job's kind is {@code retention.<what>}. */
  public RetentionJob(String what, Pool pool, Duration retention, Prune prune) {
    this.kind = "retention." + what;
    this.pool = pool;
    this.retention = retention;
    this.prune = prune;
  }

  static Duration intervalFor(Duration retention) {
    Duration hundredth = retention.dividedBy(100);
    if (hundredth.compareTo(MIN_INTERVAL) < 0) {
      return MIN_INTERVAL;
    }
    return hundredth.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : hundredth;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Duration lease() {
    return Duration.ofMinutes(5);
  }

  @Override
  public List<ScheduleItem> standing() {
    return List.of(ScheduleItem.every(kind, "cluster", null, null, intervalFor(retention)));
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return pruneBatches(0).map(Outcome.again());
  }

  private Future<Void> pruneBatches(int done) {
    if (done == MAX_BATCHES_PER_RUN) {
      return Future.succeededFuture();
    }
    return prune.prune(pool, retention, BATCH)
        .compose(deleted -> deleted < BATCH ? Future.succeededFuture() : pruneBatches(done + 1));
  }
}
