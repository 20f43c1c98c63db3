package dev.ctrlplane.health;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** All SQL about health checks, their results and where each check stands on each replica. */
public final class HealthStore {

  private static final String CHECK = "id, tenant_id, instance_id, name, type, target, interval_ms, timeout_ms, "
      + "retries, enabled, created_at, updated_at";
  private static final String STANDING = "check_id, replica_index, instance_id, release_id, endpoint, "
      + "consecutive_failures, healthy, last_result_id, checked_at";
  private static final String RESULT = "id, check_id, instance_id, replica_index, release_id, status, latency_ms, "
      + "status_code, message, checked_at, due_at";

  private static final String INSERT_CHECK = "INSERT INTO health_checks (" + CHECK + ") "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";
  private static final String FIND_CHECK = "SELECT " + CHECK + " FROM health_checks WHERE id = $1";
  private static final String CHECKS_OF = "SELECT " + CHECK + " FROM health_checks WHERE instance_id = $1 "
      + "ORDER BY created_at, id";
  private static final String DELETE_CHECK = "DELETE FROM health_checks WHERE id = $1 RETURNING " + CHECK;
  private static final String LOCK_INSTANCE = "SELECT id FROM instances WHERE id = $1 FOR KEY SHARE";
  private static final String STANDINGS_FOR_UPDATE = "SELECT " + STANDING + " FROM health_replicas "
      + "WHERE check_id = ANY($1) ORDER BY check_id, replica_index FOR UPDATE";
  private static final String STANDINGS_OF_INSTANCE = "SELECT " + STANDING + " FROM health_replicas "
      + "WHERE instance_id = $1 ORDER BY check_id, replica_index";
  private static final String STANDINGS_OF_INSTANCES = "SELECT " + STANDING + " FROM health_replicas "
      + "WHERE instance_id = ANY($1)";
  private static final MultiRowStatement INSERT_RESULTS = new MultiRowStatement(
      "INSERT INTO health_results (" + RESULT + ") VALUES", "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11);
  private static final MultiRowStatement UPSERT_STANDINGS = new MultiRowStatement(
      "INSERT INTO health_replicas (" + STANDING + ") VALUES", "($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, """
       ON CONFLICT (check_id, replica_index) DO UPDATE SET release_id = excluded.release_id,
        endpoint = excluded.endpoint, consecutive_failures = excluded.consecutive_failures,
        healthy = excluded.healthy, last_result_id = excluded.last_result_id, checked_at = excluded.checked_at""");
  private static final String DELETE_STANDINGS = """
      DELETE FROM health_replicas h USING unnest($1::text[], $2::int[]) AS gone(check_id, replica_index)
      WHERE h.check_id = gone.check_id AND h.replica_index = gone.replica_index""";
  private static final String LATEST_RESULTS = "SELECT DISTINCT ON (check_id) " + RESULT + " FROM health_results "
      + "WHERE check_id = ANY($1) ORDER BY check_id, checked_at DESC, id DESC";
  private static final String UPTIME = """
      SELECT count(*) FILTER (WHERE status = 'healthy') AS healthy, count(*) AS total FROM health_results
      WHERE instance_id = $1 AND checked_at > $2""";
  private static final String PRUNE = """
      DELETE FROM health_results WHERE id IN (
        SELECT id FROM health_results WHERE checked_at < $1 ORDER BY checked_at LIMIT $2)""";
  private static final String ENABLED_CHECKS = "SELECT " + CHECK + " FROM health_checks WHERE enabled "
      + "AND id > $1 ORDER BY id LIMIT $2";
  private static final String LOCK_CHECKS =
      "SELECT id FROM health_checks WHERE id = ANY($1) ORDER BY id FOR KEY SHARE";
  private static final String CHECKS_BY_ID = "SELECT " + CHECK + " FROM health_checks WHERE id = ANY($1)";

  private final Pool pool;

  public HealthStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Share-locks the instance row so it cannot be deleted before the write commits; false when it is gone. */
  Future<Boolean> lockInstance(SqlClient sql, String instanceId) {
    return sql.preparedQuery(LOCK_INSTANCE).execute(Tuple.of(instanceId)).map(rows -> rows.size() == 1);
  }

  Future<Void> insert(SqlClient sql, HealthCheck c) {
    return sql.preparedQuery(INSERT_CHECK).execute(Tuple.from(new Object[] {c.id(), c.tenantId(), c.instanceId(),
        c.name(), c.type().wire(), c.target(), c.interval().toMillis(), c.timeout().toMillis(), c.retries(),
        c.enabled(), Times.toOffset(c.createdAt())}))
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(ApiException.alreadyExists("instance " + c.instanceId()
                + " already has a health check named '" + c.name() + "'"))
            : Future.failedFuture(failure));
  }

  public Future<Optional<HealthCheck>> find(String id) {
    return pool.preparedQuery(FIND_CHECK).execute(Tuple.of(id)).map(rows -> checks(rows).stream().findFirst());
  }

  public Future<List<HealthCheck>> checksOf(String instanceId) {
    return pool.preparedQuery(CHECKS_OF).execute(Tuple.of(instanceId)).map(HealthStore::checks);
  }

  /** The checks with these ids that still exist. */
  public Future<List<HealthCheck>> checksById(SqlClient sql, Collection<String> ids) {
    return sql.preparedQuery(CHECKS_BY_ID).execute(Tuple.of(ids.toArray(String[]::new))).map(HealthStore::checks);
  }

  /** Which of these checks still exist, each share-locked until the commit (so a delete waits for the results). */
  Future<java.util.Set<String>> lockExisting(SqlClient sql, Collection<String> ids) {
    return sql.preparedQuery(LOCK_CHECKS).execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
      java.util.Set<String> found = new java.util.HashSet<>();
      rows.forEach(row -> found.add(row.getString(0)));
      return found;
    });
  }

  /** Enabled checks in id order after {@code afterId}: for walking every check in pages. */
  public Future<List<HealthCheck>> enabledAfter(String afterId, int limit) {
    return pool.preparedQuery(ENABLED_CHECKS).execute(Tuple.of(afterId, limit)).map(HealthStore::checks);
  }

  Future<Optional<HealthCheck>> delete(SqlClient sql, String id) {
    return sql.preparedQuery(DELETE_CHECK).execute(Tuple.of(id)).map(rows -> checks(rows).stream().findFirst());
  }

  Future<List<ReplicaStanding>> standingsForUpdate(SqlClient sql, Collection<String> checkIds) {
    return sql.preparedQuery(STANDINGS_FOR_UPDATE).execute(Tuple.of(checkIds.toArray(String[]::new)))
        .map(HealthStore::standings);
  }

  public Future<List<ReplicaStanding>> standingsOf(SqlClient sql, String instanceId) {
    return sql.preparedQuery(STANDINGS_OF_INSTANCE).execute(Tuple.of(instanceId)).map(HealthStore::standings);
  }

  Future<List<ReplicaStanding>> standingsOfInstances(SqlClient sql, Collection<String> instanceIds) {
    return sql.preparedQuery(STANDINGS_OF_INSTANCES).execute(Tuple.of(instanceIds.toArray(String[]::new)))
        .map(HealthStore::standings);
  }

  Future<Void> insertResults(SqlClient sql, List<HealthResult> results) {
    List<Object[]> rows = new ArrayList<>(results.size());
    for (HealthResult r : results) {
      rows.add(new Object[] {r.id(), r.checkId(), r.instanceId(), r.replicaIndex(), r.releaseId(), r.status(),
          r.latencyMs(), r.statusCode(), r.message(), Times.toOffset(r.checkedAt()),
          r.dueAt() == null ? null : Times.toOffset(r.dueAt())});
    }
    return INSERT_RESULTS.execute(sql, rows);
  }

  Future<Void> upsertStandings(SqlClient sql, List<ReplicaStanding> standings) {
    List<Object[]> rows = new ArrayList<>(standings.size());
    for (ReplicaStanding s : standings) {
      rows.add(new Object[] {s.checkId(), s.index(), s.instanceId(), s.releaseId(), s.endpoint(),
          s.consecutiveFailures(), s.healthy(), s.lastResultId(), Times.toOffset(s.checkedAt())});
    }
    return UPSERT_STANDINGS.execute(sql, rows);
  }

  Future<Void> deleteStandings(SqlClient sql, List<ReplicaStanding> gone) {
    if (gone.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] checks = gone.stream().map(ReplicaStanding::checkId).toArray(String[]::new);
    Integer[] indexes = gone.stream().map(ReplicaStanding::index).toArray(Integer[]::new);
    return sql.preparedQuery(DELETE_STANDINGS).execute(Tuple.of(checks, indexes)).mapEmpty();
  }

  Future<List<HealthResult>> latestResults(SqlClient sql, Collection<String> checkIds) {
    return sql.preparedQuery(LATEST_RESULTS).execute(Tuple.of(checkIds.toArray(String[]::new)))
        .map(HealthStore::results);
  }

  /** {healthy, total} results of the instance since {@code since}. */
  Future<long[]> uptime(SqlClient sql, String instanceId, Instant since) {
    return sql.preparedQuery(UPTIME).execute(Tuple.of(instanceId, Times.toOffset(since))).map(rows -> {
      Row row = rows.iterator().next();
      return new long[] {row.getLong("healthy"), row.getLong("total")};
    });
  }

  /** Deletes up to {@code limit} results older than {@code before}; the number deleted. */
  public Future<Integer> prune(Instant before, int limit) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(Times.toOffset(before), limit)).map(RowSet::rowCount);
  }

  private static List<HealthCheck> checks(RowSet<Row> rows) {
    List<HealthCheck> list = new ArrayList<>(rows.size());
    for (Row row : rows) {
      list.add(new HealthCheck(row.getString("id"), row.getString("tenant_id"), row.getString("instance_id"),
          row.getString("name"), CheckType.of(row.getString("type")).orElseThrow(), row.getString("target"),
          Duration.ofMillis(row.getLong("interval_ms")), Duration.ofMillis(row.getLong("timeout_ms")),
          row.getInteger("retries"), row.getBoolean("enabled"), instant(row, "created_at"),
          instant(row, "updated_at")));
    }
    return list;
  }

  private static List<ReplicaStanding> standings(RowSet<Row> rows) {
    List<ReplicaStanding> list = new ArrayList<>(rows.size());
    for (Row row : rows) {
      list.add(new ReplicaStanding(row.getString("check_id"), row.getInteger("replica_index"),
          row.getString("instance_id"), row.getString("release_id"), row.getString("endpoint"),
          row.getInteger("consecutive_failures"), row.getBoolean("healthy"), row.getString("last_result_id"),
          instant(row, "checked_at")));
    }
    return list;
  }

  private static List<HealthResult> results(RowSet<Row> rows) {
    List<HealthResult> list = new ArrayList<>(rows.size());
    for (Row row : rows) {
      list.add(new HealthResult(row.getString("id"), row.getString("check_id"), row.getString("instance_id"),
          row.getInteger("replica_index"), row.getString("release_id"), "healthy".equals(row.getString("status")),
          row.getLong("latency_ms"), row.getInteger("status_code"), row.getString("message"),
          instant(row, "checked_at"), row.getOffsetDateTime("due_at") == null ? null : instant(row, "due_at")));
    }
    return list;
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column).toInstant();
  }
}
