package dev.ctrlplane.provider;

import io.vertx.core.json.JsonObject;

/** A port the instance listens on; {@code hostPort} is 0 until a provider assigns one. */
public record PortMapping(int containerPort, int hostPort, String protocol) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("container_port", containerPort)
        .put("host_port", hostPort)
        .put("protocol", protocol);
  }

  public static PortMapping fromJson(JsonObject json) {
    return new PortMapping(
        json.getInteger("container_port"), json.getInteger("host_port", 0), json.getString("protocol", "tcp"));
  }
}
