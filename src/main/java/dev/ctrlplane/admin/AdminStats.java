package dev.ctrlplane.admin;

import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.Providers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /v1/admin/stats} and {@code /providers}: counted from the store and asked of the providers now. */
public final class AdminStats {

  private static final String TENANTS = "SELECT status, count(*) AS n FROM tenants GROUP BY status";
  private static final String INSTANCES = "SELECT state, count(*) AS n FROM instances GROUP BY state";
  private static final String BY_PROVIDER = "SELECT provider_name, count(*) AS n FROM instances GROUP BY provider_name";

  private final Vertx vertx;
  private final Pool pool;
  private final Providers providers;

  public AdminStats(Vertx vertx, Pool pool, Providers providers) {
    this.vertx = vertx;
    this.pool = pool;
    this.providers = providers;
  }

  public Future<JsonObject> stats() {
    Future<JsonObject> tenants = counts(TENANTS, "status");
    Future<JsonObject> instances = counts(INSTANCES, "state");
    Future<JsonArray> providerList = providers();
    return Future.all(tenants, instances, providerList).map(all -> {
      JsonObject byStatus = tenants.result();
      JsonObject byState = instances.result();
      long healthyProviders = providerList.result().stream()
          .filter(p -> ((JsonObject) p).getBoolean("healthy")).count();
      return new JsonObject()
          .put("tenants", new JsonObject().put("total", sum(byStatus))
              .put("active", byStatus.getLong("active", 0L)).put("suspended", byStatus.getLong("suspended", 0L)))
          .put("instances", new JsonObject().put("total", sum(byState)).put("by_state", byState))
          // deployments and health checks arrive with their features; until then nothing runs or is checked
          .put("deployments", new JsonObject().put("running", 0))
          .put("health", new JsonObject().put("healthy", 0).put("degraded", 0).put("unhealthy", 0)
              .put("unknown", sum(byState)))
          .put("providers", new JsonObject().put("total", providerList.result().size()).put("healthy", healthyProviders))
          .put("cluster", new JsonObject().put("nodes", clusterNodes()).put("clustered", vertx.isClustered()));
    });
  }

  /** Every provider: whether it can take work, what it can do, and how many instances use it (cluster-wide). */
  public Future<JsonArray> providers() {
    Future<JsonObject> perProvider = counts(BY_PROVIDER, "provider_name");
    List<Future<JsonObject>> reports = new ArrayList<>();
    for (Provider provider : providers.all()) {
      reports.add(provider.health().recover(f -> Future.succeededFuture(
              new dev.ctrlplane.provider.ProviderHealth(false, f.getMessage())))
          .map(health -> new JsonObject().put("name", provider.name()).put("healthy", health.healthy())
              .put("message", health.message()).put("capabilities", new JsonArray(provider.capabilities()))));
    }
    return Future.all(perProvider, Future.all(reports)).map(done -> {
      JsonArray list = new JsonArray();
      reports.forEach(r -> list.add(r.result().put("instances", perProvider.result().getLong(r.result().getString("name"), 0L))));
      return list;
    });
  }

  private Future<JsonObject> counts(String sql, String key) {
    return pool.query(sql).execute().map(rows -> {
      JsonObject counts = new JsonObject();
      for (Row row : rows) {
        counts.put(row.getString(key), row.getLong("n"));
      }
      return counts;
    });
  }

  private static long sum(JsonObject counts) {
    return counts.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }

  private int clusterNodes() {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodes().size() : 1;
  }
}
