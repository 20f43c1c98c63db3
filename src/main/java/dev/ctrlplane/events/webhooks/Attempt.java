package dev.ctrlplane.events.webhooks;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One attempt of a delivery: its number, where and when it ran, how long, what came back (status or error). */
public record Attempt(int number, String node, Instant startedAt, long durationMillis, Integer status,
    String error) {

  public boolean succeeded() {
    return status != null && status >= 200 && status < 300;
  }

  public JsonObject toJson() {
    return new JsonObject().put("attempt", number).put("node", node).put("started_at", startedAt.toString())
        .put("duration_ms", durationMillis).put("status", status).put("error", error);
  }

  public static Attempt fromJson(JsonObject json) {
    return new Attempt(json.getInteger("attempt"), json.getString("node"), Instant.parse(json.getString("started_at")),
        json.getLong("duration_ms"), json.getInteger("status"), json.getString("error"));
  }
}
