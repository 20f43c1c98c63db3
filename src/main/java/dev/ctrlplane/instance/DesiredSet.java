package dev.ctrlplane.instance;

import dev.ctrlplane.provider.ReplicaSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica set the instance should run, and whether its ready replicas take traffic (are the instance's endpoints).
 * An instance at rest runs one serving set, its current release; a deployment stores the sets of each of its steps on
 * the instance (e.g. old × 3 and new × 1, both serving, in a rolling deploy), so that whichever node converges the
 * instance (after a restart, a take-over, a crash report) drives the provider to the same step.
 */
public record DesiredSet(ReplicaSet set, boolean serving) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("release_id", set.releaseId())
        .put("image", set.image())
        .put("env", new JsonObject(new LinkedHashMap<>(set.env())))
        .put("count", set.count())
        .put("serving", serving);
  }

  public static DesiredSet fromJson(JsonObject json) {
    Map<String, String> env = new LinkedHashMap<>();
    json.getJsonObject("env", new JsonObject()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    return new DesiredSet(new ReplicaSet(json.getString("release_id"), json.getString("image"), env,
        json.getInteger("count")), json.getBoolean("serving", true));
  }

  /** The stored form of a list of sets: null for null (the instance at rest). */
  static JsonArray toJson(List<DesiredSet> sets) {
    return sets == null ? null : new JsonArray(sets.stream().map(DesiredSet::toJson).toList());
  }

  static List<DesiredSet> fromJson(JsonArray sets) {
    return sets == null ? null : sets.stream().map(o -> fromJson((JsonObject) o)).toList();
  }
}
