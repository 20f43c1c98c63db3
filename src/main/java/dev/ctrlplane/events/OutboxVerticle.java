package dev.ctrlplane.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's periodic work on this node: flushing the marks of what it published, and (until the cluster scheduler
 * drives it) running the relay, whose cursor lock lets one node at a time do the work. Its timers end with it.
 */
final class OutboxVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
  private static final Duration MARK_INTERVAL = Duration.ofMillis(50);

  private final PublishMarks marks;
  private final EventRelay relay;
  private final Duration relayInterval;
  private final io.vertx.sqlclient.Pool pool;
  private final dev.ctrlplane.events.webhooks.WebhookSender sender;
  private final Duration fanoutInterval;
  private boolean relaying;
  private boolean fanningOut;

  OutboxVerticle(PublishMarks marks, EventRelay relay, Duration relayInterval, io.vertx.sqlclient.Pool pool,
      dev.ctrlplane.events.webhooks.WebhookSender sender, Duration fanoutInterval) {
    this.marks = marks;
    this.relay = relay;
    this.relayInterval = relayInterval;
    this.pool = pool;
    this.sender = sender;
    this.fanoutInterval = fanoutInterval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(MARK_INTERVAL.toMillis(), id -> marks.flush());
    vertx.setPeriodic(relayInterval.toMillis(), id -> relayOnce());
    vertx.setPeriodic(fanoutInterval.toMillis(), id -> fanOutOnce());
    return Future.succeededFuture();
  }

  private void fanOutOnce() {
    if (fanningOut) {
      return;
    }
    fanningOut = true;
    pool.withTransaction(dev.ctrlplane.events.webhooks.WebhookFanout::runOnce)
        .onSuccess(made -> made.forEach(this::deliver))
        .onFailure(failed -> LOG.warn("webhook fan-out failed: {}", failed.getMessage()))
        .onComplete(done -> fanningOut = false);
  }

  private void deliver(String deliveryId) {
    sender.attempt(deliveryId).compose(result -> {
      if (result.isBusy()) {
        return Future.succeededFuture(result);
      }
      return dev.ctrlplane.events.webhooks.WebhookDeliveries.record(pool, result).map(result);
    }).onSuccess(result -> {
      if (!result.isFinal() && result.next() != null) {
        long delay = Math.max(1, result.next().toEpochMilli() - System.currentTimeMillis());
        vertx.setTimer(delay, id -> deliver(deliveryId));
      }
    }).onFailure(failed -> LOG.warn("webhook delivery {} failed: {}", deliveryId, failed.getMessage()));
  }

  private void relayOnce() {
    if (relaying) {
      return;
    }
    relaying = true;
    relay.runOnce()
        .onSuccess(run -> {
          if (run.relayed() > 0) {
            LOG.info("relayed {} committed events their node had not marked published", run.relayed());
          }
        })
        .onFailure(failed -> LOG.warn("event relay run failed: {}", failed.getMessage()))
        .onComplete(done -> relaying = false);
  }
}
