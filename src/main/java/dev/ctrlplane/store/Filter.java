package dev.ctrlplane.store;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A WHERE clause built from fixed SQL fragments and bound values: each fragment writes {@code ?} where its value
 * goes, and the filter numbers them ($1, $2, …). User input only ever travels as a bound value.
 */
public final class Filter {

  private final List<String> conditions = new ArrayList<>();
  private final List<Object> values = new ArrayList<>();

  /** Adds a condition; each {@code ?} in the fragment takes the next of {@code args}. */
  public Filter and(String fragment, Object... args) {
    StringBuilder numbered = new StringBuilder();
    int next = 0;
    for (char c : fragment.toCharArray()) {
      if (c == '?') {
        values.add(args[next++]);
        numbered.append('$').append(values.size());
      } else {
        numbered.append(c);
      }
    }
    conditions.add(numbered.toString());
    return this;
  }

  public Filter andIf(boolean present, String fragment, Object value) {
    return present ? and(fragment, value) : this;
  }

  /** Keyset condition for pages in (created_at DESC, id DESC) order. */
  public Filter after(Cursor cursor) {
    return cursor == null ? this : and("(created_at, id) < (?, ?)", Times.toOffset(cursor.createdAt()), cursor.id());
  }

  public String where() {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  public Tuple tuple() {
    return Tuple.from(values);
  }

  /** The values plus one more (e.g. the LIMIT), referenced as {@code $<nextIndex>}. */
  public Tuple tupleWith(Object extra) {
    List<Object> all = new ArrayList<>(values);
    all.add(extra);
    return Tuple.from(all);
  }

  public int nextIndex() {
    return values.size() + 1;
  }

  public Filter copy() {
    Filter copy = new Filter();
    copy.conditions.addAll(conditions);
    copy.values.addAll(values);
    return copy;
  }
}
