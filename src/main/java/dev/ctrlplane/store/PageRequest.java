package dev.ctrlplane.store;

import dev.ctrlplane.bus.ApiException;
import io.vertx.core.json.JsonObject;

/** {@code limit} (1..100, default 20) and an optional decoded cursor, read from a list call's query. */
public record PageRequest(int limit, Cursor after) {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  public static PageRequest from(JsonObject query) {
    String limitText = query.getString("limit");
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalidField("limit", "must be an integer in 1..100");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.invalidField("limit", "must be an integer in 1..100");
      }
    }
    String cursor = query.getString("cursor");
    return new PageRequest(limit, cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor));
  }
}
