package dev.ctrlplane.scheduler;

import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schedule's SQL. Features put and cancel their items inside their own transactions ({@link #put},
 * {@link #cancel}; an instance's items go with it,
 * by the foreign key); the scheduler claims due items and completes them.
 */
public final class ScheduleStore {

  private static final String PUT = """
      INSERT INTO schedule_items (kind, key, instance_id, payload, interval_ms, next_run_at)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (kind, key) DO UPDATE SET instance_id = EXCLUDED.instance_id, payload = EXCLUDED.payload,
        interval_ms = EXCLUDED.interval_ms, next_run_at = EXCLUDED.next_run_at""";

  private static final String KEEP = """
      INSERT INTO schedule_items (kind, key, instance_id, payload, interval_ms, next_run_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, key) DO NOTHING""";

  /**
   * Claims up to $3 due items of the kinds $2 (with their leases $4, in ms) for node $1: not claimed or with a lapsed
   * lease, and either free or bound to an instance this node runs (or to one that no node runs any more, so that
   * its job can see that and end it). SKIP LOCKED lets the nodes claim side by side without waiting on each other.
   */
  private static final String CLAIM = """
      WITH leases AS (SELECT * FROM unnest($2::text[], $4::bigint[]) AS l(kind, lease_ms)),
      due AS (
        SELECT s.kind, s.key FROM schedule_items s
        LEFT JOIN instances i ON i.id = s.instance_id
        WHERE s.kind = ANY($2) AND s.next_run_at <= now()
          AND (s.lease_until IS NULL OR s.lease_until < now())
          AND (s.instance_id IS NULL OR i.node = $1 OR i.node IS NULL)
        ORDER BY s.next_run_at
        LIMIT $3
        FOR UPDATE OF s SKIP LOCKED)
      UPDATE schedule_items s
      SET claimed_by = $1, claim = s.claim + 1, lease_until = now() + leases.lease_ms * interval '1 millisecond'
      FROM due, leases
      WHERE s.kind = due.kind AND s.key = due.key AND leases.kind = s.kind
      RETURNING s.kind, s.key, s.instance_id, s.payload, s.interval_ms, s.next_run_at, s.claim""";

  /**
   * Completes claims that still hold ($1 the node; $2..$5 kind, key, claim, and the next run in epoch ms or 0 for
   * "the next point of the item's grid after now", which skips the points a late run missed rather than bursting).
   */
  private static final String RESCHEDULE = """
      UPDATE schedule_items s
      SET claimed_by = NULL, lease_until = NULL,
        next_run_at = CASE WHEN v.next_ms > 0 THEN to_timestamp(v.next_ms / 1000.0)
          ELSE s.next_run_at + s.interval_ms * interval '1 millisecond'
            * GREATEST(1, CEIL(EXTRACT(EPOCH FROM (now() - s.next_run_at)) * 1000 / s.interval_ms)) END
      FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS v(kind, key, claim, next_ms)
      WHERE s.kind = v.kind AND s.key = v.key AND s.claim = v.claim AND s.claimed_by = $1
      RETURNING s.kind, s.key, s.claim""";

  private static final String DELETE_DONE = """
      DELETE FROM schedule_items s
      USING unnest($2::text[], $3::text[], $4::bigint[]) AS v(kind, key, claim)
      WHERE s.kind = v.kind AND s.key = v.key AND s.claim = v.claim AND s.claimed_by = $1
      RETURNING s.kind, s.key, s.claim""";

  /**
   * Row locks taken in one order, (kind, key), by every transaction that changes several items: a completion batch
   * and an instance's delete (whose items go by cascade in no particular order) would otherwise each hold some of
   * the other's rows and deadlock.
   */
  private static final String LOCK_BATCH = """
      SELECT 1 FROM schedule_items s JOIN unnest($1::text[], $2::text[]) AS v(kind, key)
        ON s.kind = v.kind AND s.key = v.key
      ORDER BY s.kind, s.key FOR UPDATE OF s""";
  private static final String LOCK_INSTANCE =
      "SELECT 1 FROM schedule_items WHERE instance_id = $1 ORDER BY kind, key FOR UPDATE";

  private static final long ONE_SHOT_RETRY_MS = 1000;

  private ScheduleStore() {}

  /** Puts an item on the schedule, replacing one of the same kind and key (its claim, if any, keeps running). */
  public static Future<Void> put(SqlClient sql, ScheduleItem item) {
    return sql.preparedQuery(PUT).execute(insertTuple(item)).mapEmpty();
  }

  /** Adds the item unless one of its kind and key is there already (standing items, kept across restarts). */
  static Future<Void> keep(SqlClient sql, ScheduleItem item) {
    return sql.preparedQuery(KEEP).execute(insertTuple(item)).mapEmpty();
  }

  public static Future<Void> cancel(SqlClient sql, String kind, String key) {
    return sql.preparedQuery("DELETE FROM schedule_items WHERE kind = $1 AND key = $2")
        .execute(Tuple.of(kind, key)).mapEmpty();
  }

  /** Claims due items for {@code node}; {@code leases} gives each kind's lease. */
  static Future<List<ScheduledItem>> claim(SqlClient sql, String node, Map<String, Duration> leases, int limit) {
    String[] kinds = leases.keySet().toArray(String[]::new);
    Long[] leaseMs = new Long[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      leaseMs[i] = leases.get(kinds[i]).toMillis();
    }
    return sql.preparedQuery(CLAIM).execute(Tuple.of(node, kinds, limit, leaseMs)).map(rows -> {
      List<ScheduledItem> claimed = new ArrayList<>(rows.size());
      rows.forEach(row -> claimed.add(claimedItem(row)));
      return claimed;
    });
  }

  /**
   * Completes the runs whose claims this node still holds, in {@code sql}'s transaction; returns those (a run whose
   * lease lapsed and was claimed again elsewhere is not completed here and its result is not recorded).
   */
  static Future<List<Ran>> complete(SqlClient sql, String node, List<Ran> ran) {
    List<Ran> onward = ran.stream().filter(r -> r.outcome().next() != Outcome.Next.DONE).toList();
    List<Ran> ended = ran.stream().filter(r -> r.outcome().next() == Outcome.Next.DONE).toList();
    Tuple batch = Tuple.tuple().addArrayOfString(kinds(ran)).addArrayOfString(keys(ran));
    return sql.preparedQuery(LOCK_BATCH).execute(batch)
        .compose(locked -> reschedule(sql, node, onward))
        .compose(kept -> delete(sql, node, ended).map(deleted -> {
          Set<String> held = new HashSet<>(kept);
          held.addAll(deleted);
          return ran.stream().filter(r -> held.contains(id(r.item().kind(), r.item().key(), r.item().claim())))
              .toList();
        }));
  }

  /** Locks the instance's items in the order completions lock them, before the instance's delete cascades to them. */
  public static Future<Void> lockInstanceItems(SqlClient sql, String instanceId) {
    return sql.preparedQuery(LOCK_INSTANCE).execute(Tuple.of(instanceId)).mapEmpty();
  }

  private static Future<Set<String>> reschedule(SqlClient sql, String node, List<Ran> ran) {
    if (ran.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Long[] next = new Long[ran.size()];
    for (int i = 0; i < next.length; i++) {
      next[i] = nextMillis(ran.get(i));
    }
    return sql.preparedQuery(RESCHEDULE)
        .execute(Tuple.of(node, kinds(ran), keys(ran), claims(ran), next))
        .map(ScheduleStore::ids);
  }

  private static Future<Set<String>> delete(SqlClient sql, String node, List<Ran> ran) {
    if (ran.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return sql.preparedQuery(DELETE_DONE).execute(Tuple.of(node, kinds(ran), keys(ran), claims(ran)))
        .map(ScheduleStore::ids);
  }

  /**
   * The next run as epoch ms: an explicit time, the grid of a periodic item (0), or, for a one-shot item asked to
   * run again, a retry a little later.
   */
  private static long nextMillis(Ran ran) {
    Outcome outcome = ran.outcome();
    if (outcome.next() == Outcome.Next.AT) {
      return Math.max(1, outcome.at().toEpochMilli());
    }
    return ran.item().periodic() ? 0 : System.currentTimeMillis() + ONE_SHOT_RETRY_MS;
  }

  private static Tuple insertTuple(ScheduleItem item) {
    return Tuple.of(item.kind(), item.key(), item.instanceId(), item.payload(),
        item.interval() == null ? null : item.interval().toMillis(), Times.toOffset(item.firstRun()));
  }

  private static ScheduledItem claimedItem(Row row) {
    Long interval = row.getLong("interval_ms");
    OffsetDateTime due = row.getOffsetDateTime("next_run_at");
    Object payload = row.getValue("payload");
    return new ScheduledItem(row.getString("kind"), row.getString("key"), row.getString("instance_id"),
        payload instanceof JsonObject json ? json : new JsonObject(),
        interval == null ? null : Duration.ofMillis(interval), due.toInstant(), row.getLong("claim"));
  }

  private static Set<String> ids(RowSet<Row> rows) {
    Set<String> ids = new HashSet<>();
    rows.forEach(row -> ids.add(id(row.getString("kind"), row.getString("key"), row.getLong("claim"))));
    return ids;
  }

  /**
   * A run's identity includes its claim: one batch may hold a stale run of an item (its lease lapsed while this node
   * stood still) beside a fresh run of the same item from a later claim, and only the fresh one may count.
   */
  private static String id(String kind, String key, long claim) {
    return kind + '\u0000' + key + '\u0000' + claim;
  }

  private static String[] kinds(List<Ran> ran) {
    return ran.stream().map(r -> r.item().kind()).toArray(String[]::new);
  }

  private static String[] keys(List<Ran> ran) {
    return ran.stream().map(r -> r.item().key()).toArray(String[]::new);
  }

  private static Long[] claims(List<Ran> ran) {
    return ran.stream().map(r -> r.item().claim()).toArray(Long[]::new);
  }
}
