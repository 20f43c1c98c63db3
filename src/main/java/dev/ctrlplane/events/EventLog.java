package dev.ctrlplane.events;

import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the outbox in stream order ({@link EventPosition}): every read takes only events of transactions below the
 * xmin of its own snapshot, and says what that horizon was, so a reader that took all it was given has seen
 * everything before {@link EventPosition#before(long) before(horizon)}, for good.
 */
public final class EventLog {

  /** The events one read returned, and the horizon (snapshot xmin) it read below. */
  public record Batch(List<StoredEvent> events, long horizon, boolean full) {

    /** Where a reader is after this batch: its last event, or (when it took all) just before the horizon. */
    public EventPosition next(EventPosition from) {
      if (full) {
        return events.get(events.size() - 1).position();
      }
      return EventPosition.max(from, EventPosition.before(horizon));
    }
  }

  static final String COLUMNS =
      "xid, seq, id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at";
  private static final String HORIZON = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

  private final Pool pool;

  public EventLog(Pool pool) {
    this.pool = pool;
  }

  /**
   * Up to {@code limit} events after {@code after} that match {@code filter}, below this statement's horizon. The
   * horizon and the rows come from one statement, hence one snapshot.
   */
  public Future<Batch> read(EventPosition after, EventFilter filter, int limit) {
    return read(pool, after, filter, limit);
  }

  /** {@link #read} of every event, on a given connection (e.g. inside a job's transaction). */
  public static Future<Batch> read(SqlClient sql, EventPosition after, int limit) {
    return read(sql, after, new EventFilter(null, List.of(), null), limit);
  }

  private static Future<Batch> read(SqlClient sql, EventPosition after, EventFilter filter, int limit) {
    Filter where = new Filter().and("(xid, seq) > (?, ?)", after.xid(), after.seq()).and("xid < h.horizon");
    if (filter.tenantId() != null) {
      where.and("tenant_id = ?", filter.tenantId());
    }
    if (filter.instanceId() != null) {
      where.and("instance_id = ?", filter.instanceId());
    }
    if (!filter.types().isEmpty()) {
      where.and("type LIKE ANY (?)", (Object) filter.likePatterns());
    }
    String query = "WITH h AS (SELECT " + HORIZON + " AS horizon) SELECT h.horizon, e.* FROM h LEFT JOIN LATERAL "
        + "(SELECT " + COLUMNS + " FROM events" + where.where() + " ORDER BY xid, seq LIMIT " + limit + ") e ON true";
    return sql.preparedQuery(query).execute(where.tuple()).map(rows -> batch(rows, limit));
  }

  /** The position of an event, if it is still kept. */
  public Future<Optional<EventPosition>> positionOf(String eventId) {
    return pool.preparedQuery("SELECT xid, seq FROM events WHERE id = $1").execute(Tuple.of(eventId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new EventPosition(rows.iterator().next().getLong(0), rows.iterator().next().getLong(1))));
  }

  /** The horizon now: a stream starting "now" starts {@link EventPosition#before before} it. */
  public Future<Long> horizon() {
    return pool.query("SELECT " + HORIZON).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** When the oldest kept event was written; empty when none is kept. */
  public Future<Optional<Instant>> oldest() {
    return pool.query("SELECT min(created_at) FROM events").execute().map(rows -> {
      Row row = rows.iterator().next();
      return Optional.ofNullable(row.getOffsetDateTime(0)).map(t -> t.toInstant());
    });
  }

  private static Batch batch(RowSet<Row> rows, int limit) {
    List<StoredEvent> events = new ArrayList<>(rows.size());
    long horizon = 0;
    for (Row row : rows) {
      horizon = row.getLong("horizon");
      if (row.getString("id") != null) {
        events.add(toEvent(row));
      }
    }
    return new Batch(events, horizon, events.size() >= limit);
  }

  static StoredEvent toEvent(Row row) {
    JsonObject json = new JsonObject()
        .put("id", row.getString("id"))
        .put("type", row.getString("type"))
        .put("tenant_id", row.getString("tenant_id"))
        .put("instance_id", row.getString("instance_id"))
        .put("resource_id", row.getString("resource_id"))
        .put("actor_id", row.getString("actor_id"))
        .put("data", row.getJsonObject("data"))
        .put("timestamp", Times.format(row.getOffsetDateTime("created_at")))
        .put("node", row.getString("node"));
    return StoredEvent.of(new EventPosition(row.getLong("xid"), row.getLong("seq")), json);
  }
}
