package dev.ctrlplane.health;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores a batch of check runs inside the caller's transaction: one result per probed replica, each replica's new
 * standing (failures in a row; healthy or not), and the standings of replicas that are gone removed. It says which
 * checks changed status (for {@code health.*} events, on transitions only) and which replicas changed health (for
 * {@link ReplicaHealth#ADDRESS}); the caller emits and publishes both after its commit. A batch is a handful of
 * statements whatever its size.
 *
 * <p>A replica counts as healthy for a check once it has passed, and stays so until {@code retries} (at least one)
 * probes in a row fail; a replica that has not passed since it appeared is not healthy yet.
 */
final class HealthRecorder {

  /** A check's status change. */
  record Transition(HealthCheck check, CheckStatus from, CheckStatus to, int consecutiveFailures) {

    EventType eventType() {
      return switch (to) {
        case UNHEALTHY -> EventType.HEALTH_FAILED;
        case DEGRADED -> EventType.HEALTH_DEGRADED;
        default -> EventType.HEALTH_RECOVERED;
      };
    }

    JsonObject data() {
      return new JsonObject().put("check_id", check.id()).put("name", check.name())
          .put("instance_id", check.instanceId()).put("type", check.type().wire())
          .put("from", from.wire()).put("to", to.wire()).put("consecutive_failures", consecutiveFailures);
    }
  }

  /** What a batch stored and what changed. */
  record Recorded(Map<String, List<HealthResult>> resultsByCheck, List<Transition> transitions,
      List<JsonObject> replicaChanges) {}

  private final HealthStore store;

  HealthRecorder(HealthStore store) {
    this.store = store;
  }

  Future<Recorded> record(SqlConnection sql, List<CheckRun> runs) {
    if (runs.isEmpty()) {
      return Future.succeededFuture(new Recorded(Map.of(), List.of(), List.of()));
    }
    Set<String> checkIds = new HashSet<>();
    runs.forEach(run -> checkIds.add(run.check().id()));
    // a check deleted (or its instance) while its probes ran has nothing left to record against
    return store.lockExisting(sql, checkIds).compose(existing -> {
      List<CheckRun> live = runs.stream().filter(run -> existing.contains(run.check().id())).toList();
      if (live.isEmpty()) {
        return Future.succeededFuture(new Recorded(Map.of(), List.of(), List.of()));
      }
      return store.standingsForUpdate(sql, existing).compose(old -> write(sql, live, byCheck(old)));
    });
  }

  private Future<Recorded> write(SqlConnection sql, List<CheckRun> runs, Map<String, Map<Integer, ReplicaStanding>> old) {
    List<HealthResult> results = new ArrayList<>();
    Map<String, List<HealthResult>> resultsByCheck = new LinkedHashMap<>();
    List<ReplicaStanding> upserts = new ArrayList<>();
    List<ReplicaStanding> gone = new ArrayList<>();
    List<Transition> transitions = new ArrayList<>();
    Map<String, Set<Integer>> changedReplicas = new LinkedHashMap<>();
    Map<String, Map<Integer, ReplicaStanding>> fresh = new HashMap<>();
    for (CheckRun run : runs) {
      HealthCheck check = run.check();
      Map<Integer, ReplicaStanding> before = old.getOrDefault(check.id(), Map.of());
      Map<Integer, ReplicaStanding> after = new LinkedHashMap<>(fresh.getOrDefault(check.id(), before));
      Map<Integer, ReplicaStanding> previous = new HashMap<>(after);
      after.clear();
      for (CheckRun.Probed p : run.probed()) {
        HealthResult result = resultOf(check, p, run.dueAt());
        results.add(result);
        resultsByCheck.computeIfAbsent(check.id(), k -> new ArrayList<>()).add(result);
        ReplicaStanding was = previous.get(p.replica().index());
        ReplicaStanding now = next(check, was, p, result);
        after.put(now.index(), now);
        upserts.add(now);
        if (was == null || was.healthy() != now.healthy() || !same(was.releaseId(), now.releaseId())) {
          changedReplicas.computeIfAbsent(check.instanceId(), k -> new HashSet<>()).add(now.index());
        }
      }
      for (ReplicaStanding left : previous.values()) {
        if (!after.containsKey(left.index())) {
          gone.add(left);
          changedReplicas.computeIfAbsent(check.instanceId(), k -> new HashSet<>()).add(left.index());
        }
      }
      fresh.put(check.id(), after);
      CheckStatus from = CheckStatus.ofStandings(previous.values());
      CheckStatus to = CheckStatus.ofStandings(after.values());
      if (isTransition(from, to)) {
        int failures = after.values().stream().mapToInt(ReplicaStanding::consecutiveFailures).max().orElse(0);
        transitions.add(new Transition(check, from, to, failures));
      }
    }
    upserts.removeIf(s -> fresh.get(s.checkId()).get(s.index()) != s); // a check run twice in a batch: its last
    return store.insertResults(sql, results)
        .compose(v -> store.deleteStandings(sql, gone))
        .compose(v -> store.upsertStandings(sql, upserts))
        .compose(v -> replicaChanges(sql, changedReplicas, gone))
        .map(changes -> new Recorded(resultsByCheck, transitions, changes));
  }

  /** Events are for changes between known statuses and from unknown to a failure, not for a first healthy run. */
  private static boolean isTransition(CheckStatus from, CheckStatus to) {
    if (from == to || to == CheckStatus.UNKNOWN) {
      return false;
    }
    return to != CheckStatus.HEALTHY || from == CheckStatus.UNHEALTHY || from == CheckStatus.DEGRADED;
  }

  private static ReplicaStanding next(HealthCheck check, ReplicaStanding was, CheckRun.Probed p, HealthResult r) {
    boolean continues = was != null && same(was.releaseId(), p.replica().releaseId());
    int failures = r.healthy() ? 0 : (continues ? was.consecutiveFailures() : 0) + 1;
    boolean healthy = r.healthy() || (continues && was.healthy() && failures < check.threshold());
    return new ReplicaStanding(check.id(), p.replica().index(), check.instanceId(), p.replica().releaseId(),
        p.endpoint(), failures, healthy, r.id(), r.checkedAt());
  }

  private static HealthResult resultOf(HealthCheck check, CheckRun.Probed p, java.time.Instant dueAt) {
    ProbeResult r = p.result();
    return new HealthResult(TypeId.generate("hres"), check.id(), check.instanceId(), p.replica().index(),
        p.replica().releaseId(), r.healthy(), r.latencyMs(), r.statusCode(), r.message(), p.checkedAt(), dueAt);
  }

  /**
   * For each replica whose health changed under some check: its health over all the instance's checks (healthy
   * when every check that sees it says so), as published on {@link ReplicaHealth#ADDRESS}.
   */
  private Future<List<JsonObject>> replicaChanges(SqlConnection sql, Map<String, Set<Integer>> changed,
      List<ReplicaStanding> gone) {
    if (changed.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return store.standingsOfInstances(sql, changed.keySet()).map(all -> {
      Map<String, Map<Integer, List<ReplicaStanding>>> byReplica = new HashMap<>();
      for (ReplicaStanding s : all) {
        byReplica.computeIfAbsent(s.instanceId(), k -> new HashMap<>())
            .computeIfAbsent(s.index(), k -> new ArrayList<>()).add(s);
      }
      List<JsonObject> changes = new ArrayList<>();
      changed.forEach((instanceId, indexes) -> indexes.forEach(index -> {
        List<ReplicaStanding> standings = byReplica.getOrDefault(instanceId, Map.of()).getOrDefault(index, List.of());
        if (standings.isEmpty()) {
          gone.stream().filter(g -> g.instanceId().equals(instanceId) && g.index() == index).findFirst()
              .ifPresent(g -> changes.add(ReplicaHealth.message(instanceId, g.endpoint(), g.releaseId(), index, false)));
        } else {
          ReplicaStanding any = standings.get(0);
          boolean healthy = standings.stream().allMatch(ReplicaStanding::healthy);
          changes.add(ReplicaHealth.message(instanceId, any.endpoint(), any.releaseId(), index, healthy));
        }
      }));
      return changes;
    });
  }

  private static Map<String, Map<Integer, ReplicaStanding>> byCheck(List<ReplicaStanding> standings) {
    Map<String, Map<Integer, ReplicaStanding>> map = new HashMap<>();
    standings.forEach(s -> map.computeIfAbsent(s.checkId(), k -> new LinkedHashMap<>()).put(s.index(), s));
    return map;
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }
}
