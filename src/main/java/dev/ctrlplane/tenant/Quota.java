package dev.ctrlplane.tenant;

import io.vertx.core.json.JsonObject;

/** Limits on what one tenant may hold. cpu and memory are summed over every replica of every instance. */
public record Quota(int maxInstances, int maxCpuMillis, int maxMemoryMb, int maxDomains, int maxSecrets) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("max_instances", maxInstances)
        .put("max_cpu_millis", maxCpuMillis)
        .put("max_memory_mb", maxMemoryMb)
        .put("max_domains", maxDomains)
        .put("max_secrets", maxSecrets);
  }

  public static Quota fromJson(JsonObject json) {
    return new Quota(
        json.getInteger("max_instances"),
        json.getInteger("max_cpu_millis"),
        json.getInteger("max_memory_mb"),
        json.getInteger("max_domains"),
        json.getInteger("max_secrets"));
  }
}
