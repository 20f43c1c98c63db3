package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * One event to one webhook: pending until an attempt gets a 2xx (succeeded) or retries run out (failed). The body is
 * fixed when the delivery is made, so every attempt signs and sends the same bytes under the same
 * {@code webhook-id} (the delivery id), which receivers use to drop repeats.
 */
public record Delivery(String id, String webhookId, String tenantId, String eventId, String eventType, String body,
    String state, int attempts, Instant nextAttemptAt, Integer lastStatus, String lastError, Instant createdAt,
    Instant updatedAt) {

  public static final String PENDING = "pending";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  static final String COLUMNS = "id, webhook_id, tenant_id, event_id, event_type, body, state, attempts, "
      + "next_attempt_at, last_status, last_error, created_at, updated_at";

  static Delivery fromRow(Row row) {
    return new Delivery(row.getString("id"), row.getString("webhook_id"), row.getString("tenant_id"),
        row.getString("event_id"), row.getString("event_type"), row.getString("body"), row.getString("state"),
        row.getInteger("attempts"), instant(row, "next_attempt_at"), row.getInteger("last_status"),
        row.getString("last_error"), instant(row, "created_at"), instant(row, "updated_at"));
  }

  private static Instant instant(Row row, String column) {
    var value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  public JsonObject toJson(JsonArray attemptLog) {
    return new JsonObject()
        .put("id", id)
        .put("webhook_id", webhookId)
        .put("event_id", eventId)
        .put("event_type", eventType)
        .put("state", state)
        .put("attempts", attempts)
        .put("next_attempt_at", nextAttemptAt == null || !PENDING.equals(state) ? null : Times.format(nextAttemptAt))
        .put("last_status", lastStatus)
        .put("last_error", lastError)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt))
        .put("attempt_log", attemptLog);
  }
}
