package dev.ctrlplane.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import dev.ctrlplane.store.Times;

/**
 * The outbox relay: publishes committed events that their node did not mark published within the grace (it died
 * between COMMIT and publish, or before its mark). It walks the outbox in stream order from its cursor (one row in
 * {@code event_cursors}, locked for the run, so one node relays at a time and a second one skips), past events
 * already marked, publishing the overdue ones, and stops at the first unmarked event still inside its grace. What it
 * published it marks, and moves its cursor, in the same transaction; a crash before that commit only republishes.
 */
public final class EventRelay {

  /** What one run did. */
  public record Run(int relayed, boolean claimed) {}

  private static final String CLAIM = "SELECT xid, seq FROM event_cursors WHERE name = 'relay' FOR UPDATE SKIP LOCKED";
  private static final String READ = "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "
      + "horizon) SELECT h.horizon, e.* FROM h LEFT JOIN LATERAL (SELECT " + EventLog.COLUMNS + ", published_at "
      + "FROM events WHERE (xid, seq) > ($1, $2) AND xid < h.horizon ORDER BY xid, seq LIMIT $3) e ON true";
  private static final String MARK = "UPDATE events SET published_at = now() WHERE id = ANY ($1)";
  private static final String MOVE = "UPDATE event_cursors SET xid = $1, seq = $2, updated_at = now() "
      + "WHERE name = 'relay'";
  private static final int BATCH = 1000;

  private final Pool pool;
  private final EventPublisher publisher;
  private final Duration grace;

  public EventRelay(Pool pool, EventPublisher publisher, Duration grace) {
    this.pool = pool;
    this.publisher = publisher;
    this.grace = grace;
  }

  public Future<Run> runOnce() {
    return pool.withTransaction(conn -> conn.query(CLAIM).execute().compose(claimed -> {
      if (claimed.size() == 0) {
        return Future.succeededFuture(new Run(0, false));
      }
      Row cursor = claimed.iterator().next();
      EventPosition from = new EventPosition(cursor.getLong(0), cursor.getLong(1));
      return relay(conn, from).map(relayed -> new Run(relayed, true));
    }));
  }

  private Future<Integer> relay(SqlConnection conn, EventPosition from) {
    Instant overdue = Times.now().minus(grace);
    return conn.preparedQuery(READ).execute(Tuple.of(from.xid(), from.seq(), BATCH)).compose(rows -> {
      EventPosition at = from;
      long horizon = 0;
      boolean stopped = false;
      int read = 0;
      List<StoredEvent> publish = new ArrayList<>();
      for (Row row : rows) {
        horizon = row.getLong("horizon");
        if (row.getString("id") == null || stopped) {
          continue;
        }
        read++;
        StoredEvent event = EventLog.toEvent(row);
        boolean marked = row.getOffsetDateTime("published_at") != null;
        if (!marked && !row.getOffsetDateTime("created_at").toInstant().isBefore(overdue)) {
          stopped = true; // its node may still mark it: wait here
          continue;
        }
        if (!marked) {
          publish.add(event);
        }
        at = event.position();
      }
      if (!stopped && read < BATCH) {
        at = EventPosition.max(at, EventPosition.before(horizon));
      }
      publish.forEach(publisher::republish);
      EventPosition next = at;
      Future<?> marked = publish.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(MARK).execute(Tuple.of(publish.stream().map(StoredEvent::id).toArray(String[]::new)));
      return marked.compose(v -> conn.preparedQuery(MOVE).execute(Tuple.of(next.xid(), next.seq())))
          .map(publish.size());
    });
  }
}
