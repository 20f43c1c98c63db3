package dev.ctrlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a newest-first page query and its count together: {@code SELECT <columns> FROM <table> <filter> ORDER BY
 * created_at DESC, id DESC LIMIT n+1}, and {@code count(*)} over the same filter without the cursor. {@code columns}
 * is {@code *} or a fixed list that the row mapper reads by position.
 */
public final class Paging {

  private Paging() {}

  public static <T> Future<Page<T>> page(Pool pool, String columns, String table, Filter filter, PageRequest request,
      Function<Row, T> mapper, Function<T, Cursor> cursorOf) {
    String count = "SELECT count(*) AS total FROM " + table + filter.where();
    Future<Long> total = pool.preparedQuery(count).execute(filter.tuple())
        .map(rows -> rows.iterator().next().getLong("total"));
    return page(pool, columns, table, filter, request, mapper, cursorOf, total);
  }

  /**
   * The same page, with its total read by {@code totalExpression} in the page query itself, one statement instead of
   * two: an SQL expression over the filter's own parameters ({@code $1}…), such as a subquery reading a counter kept
   * with the rows. Only an empty page asks for the total separately.
   */
  public static <T> Future<Page<T>> page(Pool pool, String columns, String table, Filter filter, PageRequest request,
      Function<Row, T> mapper, Function<T, Cursor> cursorOf, String totalExpression) {
    Filter paged = filter.copy().after(request.after());
    String select = "SELECT " + columns + ", " + totalExpression + " AS page_total FROM " + table + paged.where()
        + " ORDER BY created_at DESC, id DESC LIMIT $" + paged.nextIndex();
    return pool.preparedQuery(select).execute(paged.tupleWith(request.limit() + 1)).compose(rows -> {
      List<T> list = new ArrayList<>(rows.size());
      rows.forEach(row -> list.add(mapper.apply(row)));
      Future<Long> total = rows.size() > 0
          ? Future.succeededFuture(rows.iterator().next().getLong("page_total"))
          : pool.preparedQuery("SELECT " + totalExpression + " AS page_total").execute(filter.tuple())
              .map(empty -> empty.iterator().next().getLong("page_total"));
      return total.map(count -> Page.of(list, request.limit(), count == null ? 0 : count, cursorOf));
    });
  }

  private static <T> Future<Page<T>> page(Pool pool, String columns, String table, Filter filter,
      PageRequest request, Function<Row, T> mapper, Function<T, Cursor> cursorOf, Future<Long> total) {
    Filter paged = filter.copy().after(request.after());
    String select = "SELECT " + columns + " FROM " + table + paged.where()
        + " ORDER BY created_at DESC, id DESC LIMIT $" + paged.nextIndex();
    Future<List<T>> items = pool.preparedQuery(select).execute(paged.tupleWith(request.limit() + 1))
        .map(rows -> {
          List<T> list = new ArrayList<>(rows.size());
          rows.forEach(row -> list.add(mapper.apply(row)));
          return list;
        });
    return Future.all(items, total)
        .map(both -> Page.of(items.result(), request.limit(), total.result(), cursorOf));
  }
}
