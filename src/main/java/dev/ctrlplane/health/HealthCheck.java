package dev.ctrlplane.health;

import dev.ctrlplane.config.Durations;
import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/** A health check as stored, and as the API shows it (SPEC §6); durations are emitted as strings. */
public record HealthCheck(String id, String tenantId, String instanceId, String name, CheckType type, String target,
    Duration interval, Duration timeout, int retries, boolean enabled, Instant createdAt, Instant updatedAt) {

  /** Failures in a row after which a replica counts as unhealthy for this check: {@code retries}, at least one. */
  public int threshold() {
    return Math.max(1, retries);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("name", name)
        .put("type", type.wire())
        .put("target", target)
        .put("interval", Durations.format(interval))
        .put("timeout", Durations.format(timeout))
        .put("retries", retries)
        .put("enabled", enabled)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** What the audit log and events say about a check. */
  JsonObject summary() {
    return new JsonObject().put("check_id", id).put("instance_id", instanceId).put("name", name)
        .put("type", type.wire()).put("target", target);
  }
}
