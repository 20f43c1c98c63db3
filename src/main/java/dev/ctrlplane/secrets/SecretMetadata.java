package dev.ctrlplane.secrets;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** What may be shown of a secret (SPEC §9): everything but its value. */
public record SecretMetadata(
    String id,
    String tenantId,
    String instanceId,
    String key,
    SecretType type,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** As the API shows it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("instance_id", instanceId)
        .put("key", key)
        .put("type", type.wire())
        .put("version", version)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** The data of {@code secret.set} and {@code secret.deleted} events, and the details of their audit entries. */
  public JsonObject summary() {
    return new JsonObject().put("key", key).put("type", type.wire()).put("version", version);
  }
}
