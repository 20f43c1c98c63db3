package dev.ctrlplane.provider;

import io.vertx.core.json.JsonObject;

/** Where a replica can be reached. */
public record Endpoint(String url, int port, String protocol, boolean isPublic) {

  public JsonObject toJson() {
    return new JsonObject().put("url", url).put("port", port).put("protocol", protocol).put("public", isPublic);
  }

  public static Endpoint fromJson(JsonObject json) {
    return new Endpoint(
        json.getString("url"), json.getInteger("port"), json.getString("protocol"), json.getBoolean("public", false));
  }
}
