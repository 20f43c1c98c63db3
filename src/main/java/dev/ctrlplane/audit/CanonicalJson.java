package dev.ctrlplane.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON with object keys sorted at every level, so that a value hashed before it was stored hashes the same after
 * PostgreSQL's jsonb has reordered it.
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  public static String encode(JsonObject json) {
    return ((JsonObject) sorted(json)).encode();
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> map = new TreeMap<>();
      object.forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
      return new JsonObject(new LinkedHashMap<>(map));
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return value;
  }
}
