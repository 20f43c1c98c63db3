package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A tenant's webhook. Its signing secret is sealed ({@link #secret}); the API shows it once, at creation. */
public record Webhook(String id, String tenantId, String url, List<String> events, String description,
    Sealed secret, Instant createdAt, Instant updatedAt) {

  public Webhook {
    events = List.copyOf(events);
  }

  /** What the secret's seal is bound to: this webhook of this tenant. */
  public static byte[] associatedData(String tenantId, String webhookId) {
    return Aad.of("webhook-secret/v1", tenantId, webhookId);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("url", url)
        .put("events", new JsonArray(events))
        .put("description", description)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** What events and audit entries say about it: never the secret. */
  public JsonObject summary() {
    return new JsonObject().put("id", id).put("url", url).put("events", new JsonArray(events))
        .put("description", description).put("created_at", Times.format(createdAt));
  }

  static Webhook fromRow(Row row) {
    return new Webhook(row.getString("id"), row.getString("tenant_id"), row.getString("url"),
        Arrays.asList(row.getArrayOfStrings("events")), row.getString("description"),
        new Sealed(row.getString("secret_key_id"), row.getBuffer("secret_nonce").getBytes(),
            row.getBuffer("secret_ciphertext").getBytes()),
        row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant());
  }
}
