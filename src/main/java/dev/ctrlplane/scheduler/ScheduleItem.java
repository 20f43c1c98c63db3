package dev.ctrlplane.scheduler;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A piece of work to put on the schedule: its job's {@code kind}, a {@code key} unique within the kind, the instance
 * it is bound to (then only the node running that instance's replicas claims it; {@code null} = any node), the
 * job's own {@code payload}, an {@code interval} for periodic work ({@code null} = one-shot) and its first due time.
 */
public record ScheduleItem(String kind, String key, String instanceId, JsonObject payload, Duration interval,
    Instant firstRun) {

  public ScheduleItem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(firstRun, "firstRun");
    payload = payload == null ? new JsonObject() : payload;
    if (interval != null && interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1ms, was " + interval);
    }
  }

  /** Periodic work, first due {@code interval} from now. */
  public static ScheduleItem every(String kind, String key, String instanceId, JsonObject payload, Duration interval) {
    return new ScheduleItem(kind, key, instanceId, payload, interval, Instant.now().plus(interval));
  }

  /** One-shot work due at {@code at}. */
  public static ScheduleItem once(String kind, String key, String instanceId, JsonObject payload, Instant at) {
    return new ScheduleItem(kind, key, instanceId, payload, null, at);
  }

  /** The same item, first due at {@code at}. */
  public ScheduleItem startingAt(Instant at) {
    return new ScheduleItem(kind, key, instanceId, payload, interval, at);
  }
}
