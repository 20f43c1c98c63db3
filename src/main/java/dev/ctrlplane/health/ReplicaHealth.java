package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-replica health for the rest of the control plane. Each change is published cluster-wide on {@link #ADDRESS}
 * (after the commit that stored it) as {@code {"instance_id", "endpoint": "host:port", "release_id", "index",
 * "healthy"}}; the edge router balances on it. {@link #of} answers the latest state of an instance's replicas from
 * the store, for a consumer that starts or missed messages.
 */
public final class ReplicaHealth {

  public static final String ADDRESS = "ctrlplane.health.replicas";

  /** One replica's health over all of its instance's checks: healthy when every check that probed it says so. */
  public record Status(String instanceId, int index, String releaseId, String endpoint, boolean healthy) {
    public JsonObject toJson() {
      return message(instanceId, endpoint, releaseId, index, healthy);
    }
  }

  private final Vertx vertx;
  private final HealthStore store;

  public ReplicaHealth(Vertx vertx, HealthStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  static JsonObject message(String instanceId, String endpoint, String releaseId, int index, boolean healthy) {
    return new JsonObject().put("instance_id", instanceId).put("endpoint", endpoint).put("release_id", releaseId)
        .put("index", index).put("healthy", healthy);
  }

  /** Publishes changes; call only after the transaction that stored them committed. */
  void publish(List<JsonObject> changes) {
    changes.forEach(change -> vertx.eventBus().publish(ADDRESS, change));
  }

  /** The latest health of each replica of the instance that its checks have probed, by index; empty without checks. */
  public Future<List<Status>> of(String instanceId) {
    return store.standingsOf(store.pool(), instanceId).map(standings -> {
      Map<Integer, List<ReplicaStanding>> byIndex = new LinkedHashMap<>();
      standings.forEach(s -> byIndex.computeIfAbsent(s.index(), k -> new ArrayList<>()).add(s));
      List<Status> out = new ArrayList<>();
      byIndex.forEach((index, all) -> out.add(new Status(instanceId, index, all.get(0).releaseId(),
          all.get(0).endpoint(), all.stream().allMatch(ReplicaStanding::healthy))));
      out.sort(java.util.Comparator.comparingInt(Status::index));
      return out;
    });
  }
}
