package dev.ctrlplane.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {"items": [...], "next_cursor": "...", "total": N}}; no next_cursor on the last page. */
public record Page<T>(List<T> items, Cursor next, long total) {

  /**
   * Builds a page from rows fetched with {@code limit + 1}: the extra row only proves there is a next page.
   */
  public static <T> Page<T> of(List<T> fetched, int limit, long total, Function<T, Cursor> cursorOf) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null, total);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(List.copyOf(items), cursorOf.apply(items.get(limit - 1)), total);
  }

  /** The same page (cursor and total) with other items, e.g. its rows' renderings. */
  public <R> Page<R> withItems(List<R> others) {
    return new Page<>(others, next, total);
  }

  public JsonObject toJson(Function<T, JsonObject> render) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(render.apply(item)));
    JsonObject json = new JsonObject().put("items", array).put("total", total);
    if (next != null) {
      json.put("next_cursor", next.encode());
    }
    return json;
  }
}
