package dev.ctrlplane.scheduler;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * An item as a node claimed it: what was scheduled, the time it was due, and the number of the claim (a completion
 * counts only while this claim holds: once the lease lapses and another node claims the item, it does not).
 */
public record ScheduledItem(String kind, String key, String instanceId, JsonObject payload, Duration interval,
    Instant dueAt, long claim) {

  public boolean periodic() {
    return interval != null;
  }
}
