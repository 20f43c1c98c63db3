package dev.ctrlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement over many rows of values ({@code VALUES (...), (...)}): an INSERT of many rows, or an UPDATE joined to
 * them. PostgreSQL executes one such statement for a fraction of the cost of as many single-row ones
 * (docs/BENCHMARKS.md): one round of protocol messages, one plan lookup, one executor start, one trip through the
 * triggers' statement machinery. Rows are sent in chunks of at most {@value #MAX_ROWS}, so there are at most that
 * many statement texts per statement to prepare and cache.
 */
public final class MultiRowStatement {

  static final int MAX_ROWS = 32;
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

  private final String head;
  private final String row;
  private final int width;
  private final String tail;
  private final String[] texts = new String[MAX_ROWS + 1];

  /**
   * @param head everything before the rows, e.g. {@code INSERT INTO t (a, b) VALUES}
   * @param row one row over the parameters $1..$width, e.g. {@code ($1, $2, 1)}: a parameter may appear twice
   */
  public MultiRowStatement(String head, String row, int width) {
    this(head, row, width, "");
  }

  /** @param tail everything after the rows, e.g. {@code AS v(id, n) WHERE t.id = v.id RETURNING t.id} */
  public MultiRowStatement(String head, String row, int width, String tail) {
    this.head = head;
    this.row = row;
    this.width = width;
    this.tail = tail;
    for (int rows = 1; rows <= MAX_ROWS; rows++) {
      texts[rows] = text(rows);
    }
  }

  /** Runs over every row (each {@code width} values); the chunks are pipelined and the first failure is the result. */
  public Future<Void> execute(SqlClient sql, List<Object[]> rows) {
    return query(sql, rows).mapEmpty();
  }

  /** {@link #execute}, with the rows the statement returns (its RETURNING clause), chunk after chunk. */
  public Future<List<Row>> query(SqlClient sql, List<Object[]> rows) {
    List<Future<RowSet<Row>>> chunks = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += MAX_ROWS) {
      List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + MAX_ROWS));
      chunks.add(sql.preparedQuery(texts[chunk.size()]).execute(flatten(chunk)));
    }
    return Future.all(chunks).map(all -> {
      List<Row> returned = new ArrayList<>();
      chunks.forEach(chunk -> chunk.result().forEach(returned::add));
      return returned;
    });
  }

  private Tuple flatten(List<Object[]> chunk) {
    Object[] values = new Object[chunk.size() * width];
    for (int i = 0; i < chunk.size(); i++) {
      Object[] one = chunk.get(i);
      if (one.length != width) {
        throw new IllegalArgumentException("a row of " + one.length + " values for " + width + " columns");
      }
      System.arraycopy(one, 0, values, i * width, width);
    }
    return Tuple.from(values);
  }

  private String text(int rows) {
    StringBuilder sql = new StringBuilder(head);
    for (int i = 0; i < rows; i++) {
      int offset = i * width;
      Matcher parameter = PARAMETER.matcher(row);
      sql.append(i == 0 ? " " : ", ");
      sql.append(parameter.replaceAll(found -> "\\$" + (Integer.parseInt(found.group(1)) + offset)));
    }
    return tail.isEmpty() ? sql.toString() : sql.append(' ').append(tail).toString();
  }
}
