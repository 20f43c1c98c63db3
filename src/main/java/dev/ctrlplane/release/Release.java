package dev.ctrlplane.release;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * An immutable record of what an instance ran: image and plain env (never secrets), numbered per instance (SPEC §5).
 * {@code rolledBackFrom} is set on rollbacks: the release whose image and env this one copies.
 */
public record Release(
    String id,
    String tenantId,
    String instanceId,
    int version,
    String image,
    JsonObject env,
    String notes,
    String commitSha,
    String source,
    String rolledBackFrom,
    Instant createdAt) {

  public static final String INITIAL = "initial";
  public static final String DEPLOY = "deploy";
  public static final String ROLLBACK = "rollback";

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("version", version)
        .put("image", image)
        .put("env", env)
        .put("notes", notes)
        .put("commit_sha", commitSha)
        .put("source", source)
        .put("rolled_back_from", rolledBackFrom)
        .put("created_at", Times.format(createdAt));
  }

  static final String COLUMNS =
      "id, tenant_id, instance_id, version, image, env, notes, commit_sha, source, rolled_back_from, created_at";

  static Release fromRow(Row row) {
    Object env = row.getValue(5);
    return new Release(row.getString(0), row.getString(1), row.getString(2), row.getInteger(3), row.getString(4),
        env instanceof JsonObject json ? json : new JsonObject(), row.getString(6), row.getString(7),
        row.getString(8), row.getString(9), row.getOffsetDateTime(10).toInstant());
  }
}
