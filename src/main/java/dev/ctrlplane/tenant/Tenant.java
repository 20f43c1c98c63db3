package dev.ctrlplane.tenant;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A tenant as stored. {@code ownQuota} is null while the tenant uses its plan's quota; the API always shows the
 * effective quota.
 */
public record Tenant(
    String id,
    String name,
    String slug,
    String plan,
    String status,
    Instant suspendedAt,
    String suspendReason,
    JsonObject ownQuota,
    JsonObject metadata,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  public static final String ACTIVE = "active";
  public static final String SUSPENDED = "suspended";

  public JsonObject toJson(Quota effectiveQuota) {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("slug", slug)
        .put("plan", plan)
        .put("status", status)
        .put("suspended_at", Times.format(suspendedAt))
        .put("suspend_reason", suspendReason)
        .put("quota", effectiveQuota.toJson())
        .put("metadata", metadata)
        .put("version", version)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  public static Tenant fromRow(Row row) {
    return new Tenant(
        row.getString("id"),
        row.getString("name"),
        row.getString("slug"),
        row.getString("plan"),
        row.getString("status"),
        instant(row.getOffsetDateTime("suspended_at")),
        row.getString("suspend_reason"),
        (JsonObject) row.getValue("quota"),
        row.getValue("metadata") instanceof JsonObject m ? m : new JsonObject(),
        row.getInteger("version"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("updated_at")));
  }

  public Tenant with(String newName, String newSlug, String newPlan, JsonObject newMetadata) {
    return new Tenant(id, newName, newSlug, newPlan, status, suspendedAt, suspendReason, ownQuota, newMetadata,
        version, createdAt, updatedAt);
  }

  public Tenant withStatus(String newStatus, Instant at, String reason) {
    return new Tenant(id, name, slug, plan, newStatus, at, reason, ownQuota, metadata, version, createdAt, updatedAt);
  }

  public Tenant withQuota(JsonObject quota) {
    return new Tenant(id, name, slug, plan, status, suspendedAt, suspendReason, quota, metadata, version, createdAt,
        updatedAt);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
