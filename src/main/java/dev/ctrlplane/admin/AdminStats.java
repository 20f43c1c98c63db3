package dev.ctrlplane.admin;

import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.Providers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /v1/admin/stats} and {@code /providers}: counted from the store and asked of the providers now. */
public final class AdminStats {

  private final Vertx vertx;
  private final AdminStore store;
  private final Providers providers;

  AdminStats(Vertx vertx, AdminStore store, Providers providers) {
    this.vertx = vertx;
    this.store = store;
    this.providers = providers;
  }

  public Future<JsonObject> stats() {
    Future<JsonObject> tenants = store.tenantsByStatus();
    Future<JsonObject> instances = store.instancesByState();
    Future<JsonArray> providerList = providers();
    Future<JsonObject> deployments = store.deploymentsByState();
    Future<JsonObject> health = store.instancesByHealth();
    return Future.all(tenants, instances, providerList, deployments, health).map(all -> {
      JsonObject byStatus = tenants.result();
      JsonObject byState = instances.result();
      long healthyProviders = providerList.result().stream()
          .filter(p -> ((JsonObject) p).getBoolean("healthy")).count();
      return new JsonObject()
          .put("tenants", new JsonObject().put("total", sum(byStatus))
              .put("active", byStatus.getLong("active", 0L)).put("suspended", byStatus.getLong("suspended", 0L)))
          .put("instances", new JsonObject().put("total", sum(byState)).put("by_state", byState))
          .put("deployments", new JsonObject().put("running", deployments.result().getLong("running", 0L))
              .put("by_state", deployments.result()))
          .put("health", health(health.result(), sum(byState)))
          .put("providers", new JsonObject().put("total", providerList.result().size()).put("healthy", healthyProviders))
          .put("cluster", new JsonObject().put("nodes", clusterNodes()).put("clustered", vertx.isClustered()));
    });
  }

  /** Instances by health; those without an enabled check that has run are unknown. */
  private static JsonObject health(JsonObject known, long instances) {
    long healthy = known.getLong("healthy", 0L);
    long degraded = known.getLong("degraded", 0L);
    long unhealthy = known.getLong("unhealthy", 0L);
    return new JsonObject().put("healthy", healthy).put("degraded", degraded).put("unhealthy", unhealthy)
        .put("unknown", Math.max(0, instances - healthy - degraded - unhealthy));
  }

  /** Every provider: whether it can take work, what it can do, and how many instances use it (cluster-wide). */
  public Future<JsonArray> providers() {
    Future<JsonObject> perProvider = store.instancesByProvider();
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

  private static long sum(JsonObject counts) {
    return counts.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }

  private int clusterNodes() {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodes().size() : 1;
  }
}
