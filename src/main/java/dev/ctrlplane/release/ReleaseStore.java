package dev.ctrlplane.release;

import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.List;

/** SQL for releases: immutable records of what an instance ran (image and env), numbered per instance. */
public final class ReleaseStore {

  private static final MultiRowStatement INSERT_INITIAL = new MultiRowStatement("""
      INSERT INTO releases (id, tenant_id, instance_id, version, image, env, notes, commit_sha, source,
                            rolled_back_from, created_at) VALUES""",
      "($1, $2, $3, 1, $4, $5, NULL, NULL, 'initial', NULL, $6)", 6);

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

  /** What release v1 of a new instance records. */
  public record Initial(String id, String tenantId, String instanceId, String image, JsonObject env, Instant at) {}
}
