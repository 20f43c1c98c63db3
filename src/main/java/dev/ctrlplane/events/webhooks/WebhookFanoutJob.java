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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook fan-out as a cluster-wide periodic item: turns new events into deliveries and puts each delivery on
 * the schedule ({@link WebhookDeliveryJob}) in the same transaction, so none is made without being scheduled. The
 * item is due only after {@code lease} of the delivery job: the node that made the deliveries first makes their
 * first attempt itself, at once (it holds the fan-out's claim, so it is the only one), and records it with the
 * item's next time (a retry) or its removal. Should that node die first, the item comes due and another node
 * attempts: the first attempt skips a scheduler round trip without giving up at-least-once.
 */
public final class WebhookFanoutJob implements Job {

  static final String KIND = "webhooks.fanout";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookFanoutJob.class);

  private final Pool pool;
  private final Duration interval;
  private final WebhookSender sender;
  private final Duration fallback;

  public WebhookFanoutJob(Pool pool, Duration interval, WebhookSender sender, Duration deliveryLease) {
    this.pool = pool;
    this.interval = interval;
    this.sender = sender;
    this.fallback = deliveryLease;
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
      Instant due = Instant.now().plus(fallback);
      List<Future<Void>> scheduled = made.stream()
          .map(id -> ScheduleStore.put(conn, ScheduleItem.once(WebhookDeliveryJob.KIND, id, null, null, due)))
          .toList();
      return Future.all(scheduled).map(made);
    })).map(made -> {
      made.forEach(this::firstAttempt); // not awaited: a slow receiver must not hold the fan-out back
      return Outcome.again();
    });
  }

  private void firstAttempt(String deliveryId) {
    sender.attempt(deliveryId, false).compose(result -> pool.withTransaction(conn -> {
      if (result.attempt().isPresent()) {
        return WebhookStore.recordAttempt(conn, deliveryId, result.attempt().get(), result.state(), result.next())
            .compose(v -> reschedule(conn, deliveryId, result));
      }
      return reschedule(conn, deliveryId, result);
    })).onFailure(failed -> LOG.warn("first attempt of {} not recorded (it is retried when its item comes due): {}",
        deliveryId, failed.getMessage()));
  }

  private static Future<Void> reschedule(io.vertx.sqlclient.SqlConnection conn, String deliveryId,
      WebhookSender.Result result) {
    if (result.isFinal() || result.next() == null) {
      return ScheduleStore.cancel(conn, WebhookDeliveryJob.KIND, deliveryId);
    }
    return ScheduleStore.put(conn, ScheduleItem.once(WebhookDeliveryJob.KIND, deliveryId, null, null,
        result.next()));
  }
}
