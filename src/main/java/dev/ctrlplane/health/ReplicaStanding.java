package dev.ctrlplane.health;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Where one check stands on one replica: its failures in a row, and whether it counts as healthy (fewer failures in
 * a row than the check's threshold).
 */
public record ReplicaStanding(String checkId, int index, String instanceId, String releaseId, String endpoint,
    int consecutiveFailures, boolean healthy, String lastResultId, Instant checkedAt) {

  JsonObject toJson() {
    return new JsonObject().put("index", index).put("release_id", releaseId).put("endpoint", endpoint)
        .put("status", healthy ? "healthy" : "unhealthy").put("consecutive_failures", consecutiveFailures)
        .put("checked_at", dev.ctrlplane.store.Times.format(checkedAt));
  }
}
