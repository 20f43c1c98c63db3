package dev.ctrlplane.tenant;

import io.vertx.core.json.JsonObject;

/** What a tenant holds now: every instance counts, whatever its state, with cpu and memory summed over replicas. */
public record Usage(long instances, long cpuMillis, long memoryMb, long domains, long secrets) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("instances", instances)
        .put("cpu_millis", cpuMillis)
        .put("memory_mb", memoryMb)
        .put("domains", domains)
        .put("secrets", secrets);
  }

  public Usage plus(Usage other) {
    return new Usage(instances + other.instances, cpuMillis + other.cpuMillis, memoryMb + other.memoryMb,
        domains + other.domains, secrets + other.secrets);
  }

  public static Usage ofInstance(int cpuMillis, int memoryMb, int replicas) {
    return new Usage(1, (long) cpuMillis * replicas, (long) memoryMb * replicas, 0, 0);
  }

  public static Usage none() {
    return new Usage(0, 0, 0, 0, 0);
  }
}
