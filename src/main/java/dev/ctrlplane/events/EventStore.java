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

  private EventStore() {}

  public static Future<Void> insert(SqlClient conn, List<Event> events) {
    List<Object[]> rows = events.stream()
        .map(e -> new Object[] {
            e.id(), e.type().type(), e.tenantId(), e.instanceId(), e.resourceId(), e.actorId(), e.data(), e.node(),
            Times.toOffset(e.timestamp())})
        .toList();
    return INSERT.execute(conn, rows);
  }
}
