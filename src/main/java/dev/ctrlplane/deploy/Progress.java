package dev.ctrlplane.deploy;

import io.vertx.core.json.JsonObject;

/**
 * How far a deployment got: {@code total} replicas to replace, {@code updated} replicas of the new release running,
 * {@code healthy} of those that passed the health gate.
 */
public record Progress(int total, int updated, int healthy) {

  public JsonObject toJson() {
    return new JsonObject().put("total", total).put("updated", updated).put("healthy", healthy);
  }

  public static Progress fromJson(JsonObject json) {
    return new Progress(json.getInteger("total", 0), json.getInteger("updated", 0), json.getInteger("healthy", 0));
  }
}
