package dev.ctrlplane.scheduler;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The heartbeats of the nodes: which nodes are alive, judged by the store's clock alone. */
public final class NodeStore {

  private static final String BEAT = """
      INSERT INTO nodes (name, started_at, heartbeat_at) VALUES ($1, now(), now())
      ON CONFLICT (name) DO UPDATE SET heartbeat_at = now()""";

  private static final String ALIVE = """
      SELECT name FROM nodes WHERE heartbeat_at > now() - $1 * interval '1 millisecond' ORDER BY name""";

  private final SqlClient sql;

  public NodeStore(SqlClient sql) {
    this.sql = sql;
  }

  /** Records that {@code node} is alive now. */
  public Future<Void> beat(String node) {
    return sql.preparedQuery(BEAT).execute(Tuple.of(node)).mapEmpty();
  }

  /** The nodes whose last heartbeat is younger than {@code timeout}, by name. */
  public Future<List<String>> alive(Duration timeout) {
    return sql.preparedQuery(ALIVE).execute(Tuple.of(timeout.toMillis())).map(rows -> {
      List<String> names = new ArrayList<>();
      rows.forEach(row -> names.add(row.getString("name")));
      return names;
    });
  }
}
