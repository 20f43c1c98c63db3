package dev.ctrlplane.events;

import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/** The outbox: events are written in the transaction of the change they describe. */
public final class EventStore {

  private static final MultiRowStatement INSERT = new MultiRowStatement(
      "INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) VALUES",
      "($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9);

  /** At most $2 events older than $1 ms, oldest first; a batch at a time keeps each delete's transaction short. */
  private static final String PRUNE = """
      DELETE FROM events WHERE seq IN (
        SELECT seq FROM events WHERE created_at < now() - $1 * interval '1 millisecond' ORDER BY created_at LIMIT $2)""";

  private EventStore() {}

  /** Deletes up to {@code limit} events older than {@code retention}; returns how many went. */
  public static Future<Integer> prune(SqlClient sql, java.time.Duration retention, int limit) {
    return sql.preparedQuery(PRUNE).execute(io.vertx.sqlclient.Tuple.of(retention.toMillis(), limit))
        .map(io.vertx.sqlclient.SqlResult::rowCount);
  }

  public static Future<Void> insert(SqlClient conn, List<Event> events) {
    List<Object[]> rows = events.stream()
        .map(e -> new Object[] {
            e.id(), e.type().type(), e.tenantId(), e.instanceId(), e.resourceId(), e.actorId(), e.data(), e.node(),
            Times.toOffset(e.timestamp())})
        .toList();
    return INSERT.execute(conn, rows);
  }
}
