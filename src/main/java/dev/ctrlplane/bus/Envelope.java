package dev.ctrlplane.bus;

import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shape of an API command on the bus: {@code {"id": path id, "query": {...}, "body": {...}, "if_match": [n]}},
 * plus {@code "path": {name: value}} with every path parameter when a route has more than {@code :id}, and
 * {@code "idempotency_key"} when the caller sent an {@code Idempotency-Key}.
 * The HTTP side builds it from the request; feature services read it through these helpers.
 */
public final class Envelope {

  public static final String ID = "id";
  public static final String QUERY = "query";
  public static final String BODY = "body";
  public static final String IF_MATCH = "if_match";
  public static final String PATH = "path";
  public static final String IDEMPOTENCY_KEY = "idempotency_key";

  private Envelope() {}

  public static String id(Call call) {
    return call.body().getString(ID);
  }

  /** A path parameter other than {@code :id} (e.g. the {@code :key} of a secret), or null. */
  public static String pathParam(Call call, String name) {
    JsonObject path = call.body().getJsonObject(PATH);
    return path == null ? null : path.getString(name);
  }

  /** The caller's {@code Idempotency-Key}, if it sent one. */
  public static Optional<String> idempotencyKey(Call call) {
    return Optional.ofNullable(call.body().getString(IDEMPOTENCY_KEY));
  }

  public static JsonObject body(Call call) {
    return call.body().getJsonObject(BODY, new JsonObject());
  }

  /** Query parameters: single values as strings; repeatable ones (label) as arrays of strings. */
  public static JsonObject query(Call call) {
    return call.body().getJsonObject(QUERY, new JsonObject());
  }

  /** The versions the caller's {@code If-Match} accepts; empty when it sent none (or {@code *}). */
  public static Optional<IfMatch> ifMatch(Call call) {
    Object value = call.body().getValue(IF_MATCH);
    return value == null ? Optional.empty() : Optional.of(IfMatch.fromEnvelope(value));
  }

  public static String tenantIdOf(JsonObject body) {
    return Fields.optionalString(body, "tenant_id", "tenant_id", 1, 64).orElse(null);
  }

  /**
   * {@code label=k=v} parameters (repeatable), one single-entry object per parameter; a match must contain every one
   * of them. Kept apart so that a key repeated with two values matches nothing instead of losing one of them.
   */
  public static List<JsonObject> labelFilter(JsonObject query) {
    List<JsonObject> labels = new ArrayList<>();
    Object raw = query.getValue("label");
    JsonArray values = raw instanceof JsonArray array ? array : raw == null ? new JsonArray() : new JsonArray().add(raw);
    for (Object value : values) {
      String text = String.valueOf(value);
      int eq = text.indexOf('=');
      if (eq <= 0) {
        throw ApiException.invalidField("label", "must be key=value, got '" + text + "'");
      }
      labels.add(new JsonObject().put(text.substring(0, eq), text.substring(eq + 1)));
    }
    return labels;
  }
}
