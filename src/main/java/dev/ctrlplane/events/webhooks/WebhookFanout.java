package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.events.EventCatalogue;
import dev.ctrlplane.events.EventLog;
import dev.ctrlplane.events.EventPosition;
import dev.ctrlplane.events.StoredEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns new events into deliveries: walks the outbox in stream order from its cursor (the {@code webhooks} row of
 * {@code event_cursors}, locked for the run, so one node at a time does it and none is skipped or done twice), and
 * for each event and each of its tenant's webhooks whose patterns match, inserts a pending delivery with the event
 * as its body. The deliveries and the cursor's move commit together (in the caller's transaction), so every event
 * is fanned out exactly once; a delivery is unique per (webhook, event) besides.
 */
public final class WebhookFanout {

  private static final String CLAIM =
      "SELECT xid, seq FROM event_cursors WHERE name = 'webhooks' FOR UPDATE SKIP LOCKED";
  private static final String MOVE =
      "UPDATE event_cursors SET xid = $1, seq = $2, updated_at = now() WHERE name = 'webhooks'";
  private static final String INSERT = """
      INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, event_id, event_type, body, state, attempts,
                                      next_attempt_at, created_at, updated_at)
      SELECT id, w, t, e, ty, b, 'pending', 0, now(), now(), now()
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, w, t, e, ty, b)
      ON CONFLICT (webhook_id, event_id) DO NOTHING
      RETURNING id""";
  private static final int BATCH = 1000;

  private WebhookFanout() {}

  /** One step; completes with the ids of the deliveries made (empty when another node holds the cursor). */
  public static Future<List<String>> runOnce(SqlConnection sql) {
    return sql.query(CLAIM).execute().compose(claimed -> {
      if (claimed.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      Row cursor = claimed.iterator().next();
      EventPosition from = new EventPosition(cursor.getLong(0), cursor.getLong(1));
      return EventLog.read(sql, from, BATCH).compose(batch -> fanOut(sql, batch.events())
          .compose(made -> {
            EventPosition next = batch.next(from);
            return sql.preparedQuery(MOVE).execute(Tuple.of(next.xid(), next.seq())).map(made);
          }));
    });
  }

  private static Future<List<String>> fanOut(SqlConnection sql, List<StoredEvent> events) {
    Set<String> tenants = new LinkedHashSet<>();
    events.forEach(event -> {
      if (event.tenantId() != null) {
        tenants.add(event.tenantId());
      }
    });
    if (tenants.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return WebhookStore.ofTenants(sql, List.copyOf(tenants)).compose(hooks -> {
      List<String[]> rows = new ArrayList<>();
      for (StoredEvent event : events) {
        for (Webhook hook : hooks) {
          if (hook.tenantId().equals(event.tenantId()) && EventCatalogue.matchesAny(hook.events(), event.type())) {
            rows.add(new String[] {dev.ctrlplane.store.TypeId.generate("dlv"), hook.id(), hook.tenantId(),
                event.id(), event.type(), event.json().encode()});
          }
        }
      }
      if (rows.isEmpty()) {
        return Future.succeededFuture(List.<String>of());
      }
      Tuple columns = Tuple.tuple();
      for (int c = 0; c < 6; c++) {
        int column = c;
        columns.addArrayOfString(rows.stream().map(r -> r[column]).toArray(String[]::new));
      }
      return sql.preparedQuery(INSERT).execute(columns).map(inserted -> {
        List<String> ids = new ArrayList<>();
        inserted.forEach(row -> ids.add(row.getString(0)));
        return ids;
      });
    });
  }
}
