package dev.ctrlplane.health;

import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/instances/{id}/health} (SPEC §6): each enabled check's status over the replicas it last probed, the
 * instance's over its checks, and the uptime of the last 24 hours: the share of the instance's stored results (every
 * check, every replica) in that window that were healthy, in percent with two decimals; null when there are none.
 */
final class HealthAggregate {

  static final Duration UPTIME_WINDOW = Duration.ofHours(24);

  private final HealthStore store;

  HealthAggregate(HealthStore store) {
    this.store = store;
  }

  Future<JsonObject> of(String instanceId) {
    var sql = store.pool();
    Future<List<HealthCheck>> checks = store.checksOf(instanceId);
    Future<List<ReplicaStanding>> standings = store.standingsOf(sql, instanceId);
    Future<long[]> uptime = store.uptime(sql, instanceId, Times.now().minus(UPTIME_WINDOW));
    return checks.compose(all -> {
      List<HealthCheck> enabled = all.stream().filter(HealthCheck::enabled).toList();
      Future<List<HealthResult>> latest = enabled.isEmpty()
          ? Future.succeededFuture(List.of())
          : store.latestResults(sql, enabled.stream().map(HealthCheck::id).toList());
      return Future.all(standings, uptime, latest)
          .map(done -> render(instanceId, enabled, standings.result(), latest.result(), uptime.result()));
    });
  }

  private static JsonObject render(String instanceId, List<HealthCheck> checks, List<ReplicaStanding> standings,
      List<HealthResult> latest, long[] uptime) {
    Map<String, List<ReplicaStanding>> byCheck = new HashMap<>();
    standings.forEach(s -> byCheck.computeIfAbsent(s.checkId(), k -> new ArrayList<>()).add(s));
    Map<String, HealthResult> lastByCheck = new HashMap<>();
    latest.forEach(r -> lastByCheck.put(r.checkId(), r));
    JsonArray rendered = new JsonArray();
    List<CheckStatus> statuses = new ArrayList<>();
    Instant lastChecked = null;
    for (HealthCheck check : checks) {
      List<ReplicaStanding> mine = byCheck.getOrDefault(check.id(), List.of());
      CheckStatus status = CheckStatus.ofStandings(mine);
      statuses.add(status);
      HealthResult last = lastByCheck.get(check.id());
      if (last != null && (lastChecked == null || last.checkedAt().isAfter(lastChecked))) {
        lastChecked = last.checkedAt();
      }
      rendered.add(new JsonObject()
          .put("check_id", check.id())
          .put("name", check.name())
          .put("status", status.wire())
          .put("consecutive_failures", mine.stream().mapToInt(ReplicaStanding::consecutiveFailures).max().orElse(0))
          .put("last_result", last == null ? null : last.toJson())
          .put("replicas", new JsonArray(mine.stream().map(ReplicaStanding::toJson).toList())));
    }
    return new JsonObject()
        .put("instance_id", instanceId)
        .put("status", CheckStatus.ofChecks(statuses).wire())
        .put("checks", rendered)
        .put("last_checked", lastChecked == null ? null : Times.format(lastChecked))
        .put("uptime_percent", uptime[1] == 0 ? null : Math.round(uptime[0] * 10000.0 / uptime[1]) / 100.0);
  }
}
