package dev.ctrlplane.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

/** The SQL behind {@code /v1/admin/stats} and {@code /providers}: counts over the whole installation. */
final class AdminStore {

  private static final String TENANTS = "SELECT status AS k, count(*) AS n FROM tenants GROUP BY status";
  private static final String INSTANCES = "SELECT state AS k, count(*) AS n FROM instances GROUP BY state";
  private static final String BY_PROVIDER =
      "SELECT provider_name AS k, count(*) AS n FROM instances GROUP BY provider_name";

  private static final String DEPLOYMENTS = "SELECT state AS k, count(*) AS n FROM deployments GROUP BY state";
  /**
   * Instances by health, as {@code GET /v1/instances/{id}/health} decides it (docs/API.md): each enabled check's
   * status over its replicas' standings, then the instance's over its checks; instances with none are left out
   * (the caller counts them unknown).
   */
  private static final String HEALTH = """
      WITH checks AS (
        SELECT r.instance_id, r.check_id,
          CASE WHEN bool_and(r.healthy) THEN 'healthy' WHEN NOT bool_or(r.healthy) THEN 'unhealthy'
            ELSE 'degraded' END AS status
        FROM health_replicas r JOIN health_checks c ON c.id = r.check_id AND c.enabled
        GROUP BY r.instance_id, r.check_id)
      SELECT status AS k, count(*) AS n FROM (
        SELECT instance_id, CASE WHEN bool_and(status = 'healthy') THEN 'healthy'
          WHEN bool_and(status = 'unhealthy') THEN 'unhealthy' ELSE 'degraded' END AS status
        FROM checks GROUP BY instance_id) AS instances
      GROUP BY status""";

  private final Pool pool;

  AdminStore(Pool pool) {
    this.pool = pool;
  }

  /** Tenants by status, e.g. {@code {"active": 3}}. */
  Future<JsonObject> tenantsByStatus() {
    return counts(TENANTS);
  }

  /** Instances by state. */
  Future<JsonObject> instancesByState() {
    return counts(INSTANCES);
  }

  /** Instances by provider name. */
  Future<JsonObject> instancesByProvider() {
    return counts(BY_PROVIDER);
  }

  /** Deployments by state (outcome), e.g. {@code {"running": 2, "succeeded": 40}}. */
  Future<JsonObject> deploymentsByState() {
    return counts(DEPLOYMENTS);
  }

  Future<JsonObject> instancesByHealth() {
    return counts(HEALTH);
  }

  private Future<JsonObject> counts(String sql) {
    return pool.query(sql).execute().map(rows -> {
      JsonObject counts = new JsonObject();
      for (Row row : rows) {
        counts.put(row.getString("k"), row.getLong("n"));
      }
      return counts;
    });
  }
}
