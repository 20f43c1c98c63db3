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
  private static final long RECORD_DELAY_MS = 20;

  private final Pool pool;
  private final Duration interval;
  private final WebhookSender sender;
  private final Duration fallback;
  private final io.vertx.core.Vertx vertx;
  private java.util.Map<String, WebhookSender.Result> unrecorded = new java.util.LinkedHashMap<>();
  private boolean recordScheduled;

  public WebhookFanoutJob(io.vertx.core.Vertx vertx, Pool pool, Duration interval, WebhookSender sender,
      Duration deliveryLease) {
    this.vertx = vertx;
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
    sender.attempt(deliveryId, false).onComplete(done -> {
      if (done.succeeded()) {
        record(deliveryId, done.result());
      } else {
        LOG.warn("first attempt of {} failed (it is retried when its item comes due): {}", deliveryId,
            done.cause().getMessage());
      }
    });
  }

  /** First attempts are recorded in batches: one transaction (one commit) per {@link #RECORD_DELAY_MS}. */
  private synchronized void record(String deliveryId, WebhookSender.Result result) {
    unrecorded.put(deliveryId, result);
    if (!recordScheduled) {
      recordScheduled = true;
      vertx.setTimer(RECORD_DELAY_MS, t -> flush());
    }
  }

  private void flush() {
    java.util.Map<String, WebhookSender.Result> batch;
    synchronized (this) {
      recordScheduled = false;
      batch = unrecorded;
      unrecorded = new java.util.LinkedHashMap<>();
    }
    pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (var entry : batch.entrySet()) {
        String id = entry.getKey();
        WebhookSender.Result result = entry.getValue();
        chain = chain.compose(v -> result.attempt().isPresent()
            ? WebhookStore.recordAttempt(conn, id, result.attempt().get(), result.state(), result.next())
                .compose(recorded -> reschedule(conn, id, result))
            : reschedule(conn, id, result));
      }
      return chain;
    }).onFailure(failed -> LOG.warn("{} first attempts not recorded (they are retried when their items come due): {}",
        batch.size(), failed.getMessage()));
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
