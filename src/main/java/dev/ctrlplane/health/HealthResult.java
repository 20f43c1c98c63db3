package dev.ctrlplane.health;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One probe of one replica, as stored and as the API shows it (SPEC §6, plus the replica it probed); {@code dueAt} is
 * the time the scheduler ran it for (null for a manual run), stored but not shown.
 */
public record HealthResult(String id, String checkId, String instanceId, int replicaIndex, String releaseId,
    boolean healthy, long latencyMs, Integer statusCode, String message, Instant checkedAt, Instant dueAt) {

  public String status() {
    return healthy ? "healthy" : "unhealthy";
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("check_id", checkId)
        .put("instance_id", instanceId)
        .put("replica", replicaIndex)
        .put("release_id", releaseId)
        .put("status", status())
        .put("latency_ms", latencyMs)
        .put("status_code", statusCode)
        .put("message", message)
        .put("checked_at", Times.format(checkedAt));
  }
}
