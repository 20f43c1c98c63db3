package dev.ctrlplane.events;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The outbox relay as a cluster-wide periodic item: one node at a time runs {@link EventRelay#runOnce}. */
final class EventRelayJob implements Job {

  static final String KIND = "events.relay";
  private static final Logger LOG = LoggerFactory.getLogger(EventRelayJob.class);

  private final EventRelay relay;
  private final Duration interval;

  EventRelayJob(EventRelay relay, Duration interval) {
    this.relay = relay;
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
    return relay.runOnce().map(run -> {
      if (run.relayed() > 0) {
        LOG.info("relayed {} committed events their node had not marked published", run.relayed());
      }
      return Outcome.again();
    });
  }
}
