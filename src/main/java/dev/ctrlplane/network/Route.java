package dev.ctrlplane.network;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * A route (SPEC §8): requests for {@code hostname} (or, when null, the instance's default host) whose path starts with
 * {@code path} go to the instance's {@code port}, sharing that match with the other routes of the same host and path
 * in proportion to {@code weight}.
 */
public record Route(String id, String tenantId, String instanceId, String path, int port, String protocol, int weight,
    boolean stripPrefix, String hostname, int version, Instant createdAt, Instant updatedAt) {

  static final String COLUMNS =
      "id, tenant_id, instance_id, path, port, protocol, weight, strip_prefix, hostname, version, created_at, updated_at";

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("path", path)
        .put("port", port)
        .put("protocol", protocol)
        .put("weight", weight)
        .put("strip_prefix", stripPrefix)
        .put("hostname", hostname)
        .put("version", version)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** Reads the route from an event's data (its API shape). */
  public static Route fromJson(JsonObject json) {
    return new Route(json.getString("id"), json.getString("tenant_id"), json.getString("instance_id"),
        json.getString("path"), json.getInteger("port"), json.getString("protocol"), json.getInteger("weight"),
        json.getBoolean("strip_prefix", false), json.getString("hostname"), json.getInteger("version", 1),
        Times.parse(json.getString("created_at")).orElse(null), Times.parse(json.getString("updated_at")).orElse(null));
  }

  static Route fromRow(Row row) {
    return new Route(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getInteger(4),
        row.getString(5), row.getInteger(6), row.getBoolean(7), row.getString(8), row.getInteger(9),
        row.getOffsetDateTime(10).toInstant(), row.getOffsetDateTime(11).toInstant());
  }

  Route changed(String newPath, int newPort, String newProtocol, int newWeight, boolean newStrip, String newHostname,
      Instant now) {
    return new Route(id, tenantId, instanceId, newPath, newPort, newProtocol, newWeight, newStrip, newHostname,
        version + 1, createdAt, now);
  }
}
