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
  private boolean relaying;

  OutboxVerticle(PublishMarks marks, EventRelay relay, Duration relayInterval) {
    this.marks = marks;
    this.relay = relay;
    this.relayInterval = relayInterval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(MARK_INTERVAL.toMillis(), id -> marks.flush());
    vertx.setPeriodic(relayInterval.toMillis(), id -> relayOnce());
    return Future.succeededFuture();
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
