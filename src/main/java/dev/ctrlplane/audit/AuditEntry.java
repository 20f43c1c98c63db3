package dev.ctrlplane.audit;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One audited call: who did what to which resource, and how it ended ({@code success}, {@code denied} for 403,
 * {@code failed} for other refusals). {@code details} never holds a secret value or a token.
 */
public record AuditEntry(
    String id,
    String tenantId,
    String actorId,
    String resource,
    String resourceId,
    String action,
    String outcome,
    String requestId,
    String ipAddress,
    JsonObject details,
    Instant createdAt) {

  public static final String SUCCESS = "success";
  public static final String DENIED = "denied";
  public static final String FAILED = "failed";

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("actor_id", actorId)
        .put("resource", resource)
        .put("resource_id", resourceId)
        .put("action", action)
        .put("outcome", outcome)
        .put("request_id", requestId)
        .put("ip_address", ipAddress)
        .put("details", details)
        .put("created_at", Times.format(createdAt));
  }
}
