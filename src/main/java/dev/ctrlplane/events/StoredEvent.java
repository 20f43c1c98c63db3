package dev.ctrlplane.events;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * An event as read back from the outbox, with its stream position and its Server-Sent Events frame, encoded once
 * and shared by every stream that sends it.
 */
public record StoredEvent(EventPosition position, String id, String type, String tenantId, String instanceId,
    JsonObject json, byte[] frame) {

  public static StoredEvent of(EventPosition position, JsonObject json) {
    String id = json.getString("id");
    String type = json.getString("type");
    String frame = "id: " + id + "\nevent: " + type + "\ndata: " + json.encode() + "\n\n";
    return new StoredEvent(position, id, type, json.getString("tenant_id"), json.getString("instance_id"), json,
        frame.getBytes(StandardCharsets.UTF_8));
  }
}
