package dev.ctrlplane.deploy;

import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All SQL about deployments. Updates are compare-and-set on {@code version}. */
public final class DeploymentStore {

  private static final String INSERT = "INSERT INTO deployments (" + Deployment.COLUMNS + ") VALUES "
      + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";
  private static final String FIND = "SELECT " + Deployment.COLUMNS + " FROM deployments WHERE id = $1";
  private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";
  private static final String UPDATE = """
      UPDATE deployments SET state = $3, phase = $4, step = $5, progress = $6, error = $7, started_at = $8,
        finished_at = $9, version = version + 1
      WHERE id = $1 AND version = $2""";
  /** Deployments with work left whose instance this node runs: what a node picks up again at start-up. */
  private static final String UNFINISHED_ON_NODE = "SELECT d." + Deployment.COLUMNS.replace(", ", ", d.")
      + " FROM deployments d JOIN instances i ON i.id = d.instance_id WHERE d.phase <> 'done' AND i.node = $1";

  private static final String BY_STATE = "SELECT state, count(*) AS n FROM deployments GROUP BY state";

  private final Pool pool;

  public DeploymentStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(SqlClient sql, Deployment d) {
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {d.id(), d.tenantId(), d.instanceId(),
        d.releaseId(), d.previousReleaseId(), d.strategy().wire(), d.state().wire(), d.phase().wire(), d.step(),
        d.restoreRunning(), d.progress().toJson(), d.error(), d.initiator(), d.notes(), d.commitSha(),
        Times.toOffset(d.deadlineAt()), d.version(), Times.toOffset(d.createdAt()), Times.toOffset(d.startedAt()),
        Times.toOffset(d.finishedAt())})).mapEmpty();
  }

  Future<Optional<Deployment>> find(String id) {
    return find(pool, id);
  }

  Future<Optional<Deployment>> find(SqlClient sql, String id) {
    return sql.preparedQuery(FIND).execute(Tuple.of(id)).map(DeploymentStore::first);
  }

  Future<Optional<Deployment>> findForUpdate(SqlClient sql, String id) {
    return sql.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(id)).map(DeploymentStore::first);
  }

  /** Writes the changed deployment if nobody changed it since it was read; empty when someone did. */
  Future<Optional<Deployment>> update(SqlClient sql, Deployment d) {
    return sql.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {d.id(), d.version(), d.state().wire(),
        d.phase().wire(), d.step(), d.progress().toJson(), d.error(), Times.toOffset(d.startedAt()),
        Times.toOffset(d.finishedAt())}))
        .map(updated -> updated.rowCount() == 0 ? Optional.<Deployment>empty() : Optional.of(d.stored(d.version() + 1)));
  }

  Future<Page<Deployment>> page(String instanceId, PageRequest request) {
    return Paging.page(pool, Deployment.COLUMNS, "deployments", new Filter().and("instance_id = ?", instanceId),
        request, Deployment::fromRow, d -> new Cursor(d.createdAt(), d.id()));
  }

  Future<List<Deployment>> unfinishedOnNode(String node) {
    return pool.preparedQuery(UNFINISHED_ON_NODE).execute(Tuple.of(node)).map(DeploymentStore::all);
  }

  /** Deployments by state (their outcome, once ended), cluster-wide. */
  Future<Map<String, Long>> countByState() {
    return pool.query(BY_STATE).execute().map(rows -> {
      Map<String, Long> counts = new HashMap<>();
      rows.forEach(row -> counts.put(row.getString("state"), row.getLong("n")));
      return counts;
    });
  }

  private static Optional<Deployment> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Deployment.fromRow(rows.iterator().next()));
  }

  private static List<Deployment> all(RowSet<Row> rows) {
    List<Deployment> list = new ArrayList<>();
    rows.forEach(row -> list.add(Deployment.fromRow(row)));
    return list;
  }
}
