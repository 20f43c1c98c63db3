package dev.ctrlplane.release;

import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL about releases: immutable records of what an instance ran (image and env), numbered per instance. */
public final class ReleaseStore {

  private static final MultiRowStatement INSERT_INITIAL = new MultiRowStatement("""
      INSERT INTO releases (id, tenant_id, instance_id, version, image, env, notes, commit_sha, source,
                            rolled_back_from, created_at) VALUES""",
      "($1, $2, $3, 1, $4, $5, NULL, NULL, 'initial', NULL, $6)", 6);

  private static final String INSERT = "INSERT INTO releases (" + Release.COLUMNS + ") VALUES "
      + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
  private static final String FIND = "SELECT " + Release.COLUMNS + " FROM releases WHERE id = $1";
  /** The instance's row is locked by the caller, so no other release of it can take the same number meanwhile. */
  private static final String NEXT_VERSION =
      "SELECT coalesce(max(version), 0) + 1 AS v FROM releases WHERE instance_id = $1";
  private static final String PAGE = "SELECT " + Release.COLUMNS + " FROM releases WHERE instance_id = $1 "
      + "AND ($2::text IS NULL OR version < (SELECT version FROM releases WHERE id = $2)) "
      + "ORDER BY version DESC LIMIT $3";
  private static final String COUNT = "SELECT count(*) AS n FROM releases WHERE instance_id = $1";

  private ReleaseStore() {}

  public static String newId() {
    return TypeId.generate("rel");
  }

  /** Release v1 of each new instance: its initial image and env. */
  public static Future<Void> insertInitial(SqlClient sql, List<Initial> releases) {
    return INSERT_INITIAL.execute(sql, releases.stream()
        .map(r -> new Object[] {r.id(), r.tenantId(), r.instanceId(), r.image(), r.env(), Times.toOffset(r.at())})
        .toList());
  }

  /** Inserts a release made by a deploy or a rollback. */
  public static Future<Void> insert(SqlClient sql, Release r) {
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {r.id(), r.tenantId(), r.instanceId(),
        r.version(), r.image(), r.env(), r.notes(), r.commitSha(), r.source(), r.rolledBackFrom(),
        Times.toOffset(r.createdAt())})).mapEmpty();
  }

  public static Future<Optional<Release>> find(SqlClient sql, String id) {
    return sql.preparedQuery(FIND).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Release.fromRow(rows.iterator().next())));
  }

  /** The number the next release of the instance takes; call with the instance's row locked. */
  public static Future<Integer> nextVersion(SqlClient sql, String instanceId) {
    return sql.preparedQuery(NEXT_VERSION).execute(Tuple.of(instanceId)).map(rows -> rows.iterator().next().getInteger("v"));
  }

  /**
   * A page of the instance's releases, newest version first. The cursor names the last release served (its
   * {@code id}); versions never change, so pages stay stable while new releases are added.
   */
  public static Future<Page<Release>> page(SqlClient sql, String instanceId, PageRequest request) {
    String after = request.after() == null ? null : request.after().id();
    Future<List<Release>> rows = sql.preparedQuery(PAGE).execute(Tuple.of(instanceId, after, request.limit() + 1))
        .map(found -> {
          List<Release> list = new ArrayList<>();
          found.forEach(row -> list.add(Release.fromRow(row)));
          return list;
        });
    Future<Long> total = sql.preparedQuery(COUNT).execute(Tuple.of(instanceId))
        .map(found -> found.iterator().next().getLong("n"));
    return Future.all(rows, total).map(both -> Page.of(rows.result(), request.limit(), total.result(),
        release -> new Cursor(release.createdAt(), release.id())));
  }

  /** What release v1 of a new instance records. */
  public record Initial(String id, String tenantId, String instanceId, String image, JsonObject env, Instant at) {}
}
