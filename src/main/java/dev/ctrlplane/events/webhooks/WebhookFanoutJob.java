package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduleStore;
import dev.ctrlplane.scheduler.ScheduledItem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The webhook fan-out as a cluster-wide periodic item: turns new events into deliveries and puts each delivery on
 * the schedule ({@link WebhookDeliveryJob}) in the same transaction, so none is made without being scheduled.
 */
public final class WebhookFanoutJob implements Job {

  static final String KIND = "webhooks.fanout";

  private final Pool pool;
  private final Duration interval;

  public WebhookFanoutJob(Pool pool, Duration interval) {
    this.pool = pool;
    this.interval = interval;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return Duration.ofSeconds(30);
  }

  @Override
  public List<ScheduleItem> standing() {
    return List.of(ScheduleItem.every(KIND, "cluster", null, null, interval));
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return pool.withTransaction(conn -> WebhookFanout.runOnce(conn).compose(made -> {
      Instant now = Instant.now();
      List<Future<Void>> scheduled = made.stream()
          .map(id -> ScheduleStore.put(conn, ScheduleItem.once(WebhookDeliveryJob.KIND, id, null, null, now)))
          .toList();
      return Future.all(scheduled);
    })).map(Outcome.again());
  }
}
