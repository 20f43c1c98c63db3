package dev.ctrlplane.release;

import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/** SQL for releases: immutable records of what an instance ran (image and env), numbered per instance. */
public final class ReleaseStore {

  private static final String INSERT = """
      INSERT INTO releases (id, tenant_id, instance_id, version, image, env, notes, commit_sha, source,
                            rolled_back_from, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""";

  private ReleaseStore() {}

  public static String newId() {
    return TypeId.generate("rel");
  }

  /** Release v1 of a new instance: its initial image and env. */
  public static Future<Void> insertInitial(SqlClient sql, String id, String tenantId, String instanceId,
      String image, JsonObject env, Instant at) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.from(new Object[] {
            id, tenantId, instanceId, 1, image, env, null, null, "initial", null, Times.toOffset(at)}))
        .mapEmpty();
  }
}
