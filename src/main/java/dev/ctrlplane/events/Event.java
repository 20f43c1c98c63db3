package dev.ctrlplane.events;

import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One lifecycle event, stamped with its id, time and the node it happened on. */
public record Event(
    String id,
    EventType type,
    String tenantId,
    String instanceId,
    String resourceId,
    String actorId,
    JsonObject data,
    Instant timestamp,
    String node) {

  public static Event of(EventType type, String tenantId, String instanceId, String resourceId, String actorId,
      JsonObject data, String node) {
    return new Event(TypeId.generate("evt"), type, tenantId, instanceId, resourceId, actorId, data, Times.now(), node);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("type", type.type())
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("resource_id", resourceId)
        .put("actor_id", actorId)
        .put("data", data)
        .put("timestamp", Times.format(timestamp))
        .put("node", node);
  }
}
