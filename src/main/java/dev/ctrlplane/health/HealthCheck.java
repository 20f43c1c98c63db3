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

  /** The inverse of {@link #toJson} (a scheduled run carries its check in its item). */
  public static HealthCheck fromJson(JsonObject json) {
    return new HealthCheck(json.getString("id"), json.getString("tenant_id"), json.getString("instance_id"),
        json.getString("name"), CheckType.of(json.getString("type")).orElseThrow(), json.getString("target"),
        Durations.parse(json.getString("interval")).orElseThrow(), Durations.parse(json.getString("timeout")).orElseThrow(),
        json.getInteger("retries"), json.getBoolean("enabled"), Times.parse(json.getString("created_at")).orElseThrow(),
        Times.parse(json.getString("updated_at")).orElseThrow());
  }

  /** What the audit log and events say about a check. */
  JsonObject summary() {
    return new JsonObject().put("check_id", id).put("instance_id", instanceId).put("name", name)
        .put("type", type.wire()).put("target", target);
  }
}
