package dev.ctrlplane.provider;

import io.vertx.core.json.JsonObject;

/** Compute resources of an instance; cpu and memory are per replica. */
public record Resources(int cpuMillis, int memoryMb, int diskMb, int replicas) {

  public static final Resources DEFAULT = new Resources(500, 256, 1024, 1);

  public JsonObject toJson() {
    return new JsonObject()
        .put("cpu_millis", cpuMillis)
        .put("memory_mb", memoryMb)
        .put("disk_mb", diskMb)
        .put("replicas", replicas);
  }

  public static Resources fromJson(JsonObject json) {
    return new Resources(
        json.getInteger("cpu_millis", DEFAULT.cpuMillis),
        json.getInteger("memory_mb", DEFAULT.memoryMb),
        json.getInteger("disk_mb", DEFAULT.diskMb),
        json.getInteger("replicas", DEFAULT.replicas));
  }
}
