package dev.ctrlplane.validation;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.config.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of request fields. Every failure is a 400 that names the field and says what was expected; unknown
 * fields are simply never read. {@code field} may be a dotted path for messages ("resources.replicas").
 */
public final class Fields {

  private Fields() {}

  public static String requiredString(JsonObject body, String field, String path, int min, int max) {
    return optionalString(body, field, path, min, max)
        .orElseThrow(() -> ApiException.invalidField(path, "is required"));
  }

  public static Optional<String> optionalString(JsonObject body, String field, String path, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(path, "must be a string");
    }
    if (text.length() < min || text.length() > max) {
      throw ApiException.invalidField(path, min == max ? "must be " + min + " characters"
          : "must be " + min + " to " + max + " characters long");
    }
    return Optional.of(text);
  }

  public static Optional<Integer> optionalInt(JsonObject body, String field, String path, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
        || Math.abs(number.doubleValue()) > Integer.MAX_VALUE) {
      throw ApiException.invalidField(path, "must be an integer in " + min + ".." + max);
    }
    int integer = number.intValue();
    if (integer < min || integer > max) {
      throw ApiException.invalidField(path, "must be an integer in " + min + ".." + max);
    }
    return Optional.of(integer);
  }

  public static Optional<Boolean> optionalBoolean(JsonObject body, String field, String path) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean bool)) {
      throw ApiException.invalidField(path, "must be true or false");
    }
    return Optional.of(bool);
  }

  public static Optional<JsonObject> optionalObject(JsonObject body, String field, String path) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.invalidField(path, "must be an object");
    }
    return Optional.of(object);
  }

  public static Optional<JsonArray> optionalArray(JsonObject body, String field, String path, int maxItems) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiException.invalidField(path, "must be an array");
    }
    if (array.size() > maxItems) {
      throw ApiException.invalidField(path, "must have at most " + maxItems + " items");
    }
    return Optional.of(array);
  }

  /** An object of string values, e.g. env or labels, with bounded size. */
  public static Optional<Map<String, String>> optionalStringMap(JsonObject body, String field, String path,
      int maxEntries, int maxKey, int maxValue) {
    Optional<JsonObject> object = optionalObject(body, field, path);
    if (object.isEmpty()) {
      return Optional.empty();
    }
    if (object.get().size() > maxEntries) {
      throw ApiException.invalidField(path, "must have at most " + maxEntries + " entries");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object.get()) {
      String key = entry.getKey();
      if (key.isEmpty() || key.length() > maxKey) {
        throw ApiException.invalidField(path, "keys must be 1 to " + maxKey + " characters long");
      }
      if (!(entry.getValue() instanceof String value)) {
        throw ApiException.invalidField(path + "." + key, "must be a string");
      }
      if (value.length() > maxValue) {
        throw ApiException.invalidField(path + "." + key, "must be at most " + maxValue + " characters long");
      }
      map.put(key, value);
    }
    return Optional.of(map);
  }

  /**
   * Refuses, anywhere in a request's values or keys, what could not be stored as sent, naming where
   * ({@code metadata.note}, {@code ports[0]}): U+0000 and unpaired UTF-16 surrogates (a JSON escape like
   * {@code "\\ud800"}), which PostgreSQL's text and jsonb cannot hold and which would otherwise be stored changed, and
   * numbers too large for a double ({@code 1e400}), which would be stored as something else.
   */
  public static void requireStorable(Object value, String path) {
    if (value instanceof String text) {
      requireStorableText(text, path, "");
    } else if (value instanceof Double number && !Double.isFinite(number)
        || value instanceof Float single && !Float.isFinite(single)) {
      throw ApiException.invalidField(path, "number out of range");
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        // a top-level name that cannot be stored is no known field, so it is ignored like any unknown one
        if (!path.isEmpty()) {
          requireStorableText(entry.getKey(), path, "keys ");
        }
        requireStorable(entry.getValue(), path.isEmpty() ? entry.getKey() : path + "." + entry.getKey());
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        requireStorable(array.getValue(i), path + "[" + i + "]");
      }
    }
  }

  private static void requireStorableText(String text, String path, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        throw ApiException.invalidField(path, what + "must not contain the NUL character (U+0000)");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1));
        if (!paired) {
          throw ApiException.invalidField(path, what + "must be valid Unicode (an unpaired surrogate escape)");
        }
        i++;
      }
    }
  }

  /** A duration as "30s"-style text or integer milliseconds. */
  public static Optional<Duration> optionalDuration(JsonObject body, String field, String path) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    Optional<Duration> parsed = value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 0
        ? Optional.of(Duration.ofMillis(n.longValue()))
        : value instanceof String text ? Durations.parse(text) : Optional.empty();
    return Optional.of(parsed.orElseThrow(() ->
        ApiException.invalidField(path, "must be a duration like \"30s\" or integer milliseconds")));
  }
}
