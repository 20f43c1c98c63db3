package dev.ctrlplane.provider.noop;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.ProviderHealth;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.ReplicaPlan;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider that runs nothing and only records the calls it gets: for benchmarks and API tests, where thousands of
 * instances must be cheap. Enabled only by {@code provider.noop.enabled}.
 */
public final class NoopProvider implements Provider {

  /** Bounds the call log so a long benchmark cannot grow it without limit. */
  private static final int MAX_RECORDED_CALLS = 10_000;

  /** Per instance, the replicas it "runs": index → release. */
  private final Map<String, Map<Integer, ReplicaSet>> replicas = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public List<String> capabilities() {
    return List.of("replicas");
  }

  @Override
  public Future<ProviderHealth> health() {
    return Future.succeededFuture(ProviderHealth.ok());
  }

  @Override
  public Future<Void> validate(InstanceSpec spec) {
    return Future.succeededFuture();
  }

  @Override
  public Future<RunningInstance> apply(InstanceSpec spec) {
    record("apply " + spec.instanceId() + " " + describe(spec));
    return run(spec, replicas.getOrDefault(spec.instanceId(), Map.of()));
  }

  @Override
  public Future<RunningInstance> restart(InstanceSpec spec) {
    record("restart " + spec.instanceId() + " " + describe(spec));
    return run(spec, Map.of());
  }

  @Override
  public Future<Void> stop(String instanceId) {
    record("stop " + instanceId);
    replicas.remove(instanceId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> destroy(String instanceId) {
    record("destroy " + instanceId);
    replicas.remove(instanceId);
    return Future.succeededFuture();
  }

  @Override
  public Future<RunningInstance> status(String instanceId) {
    return Future.succeededFuture(running(instanceId, replicas.getOrDefault(instanceId, Map.of())));
  }

  @Override
  public Set<String> instanceIds() {
    return Set.copyOf(replicas.keySet());
  }

  @Override
  public void setListener(ProviderListener listener) {
    // nothing ever fails on its own here
  }

  /** The calls received, oldest first, e.g. "apply inst_… rel_…×2". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Carries out the same plan as a real provider would, at once: every replica is ready as soon as it "starts". */
  private Future<RunningInstance> run(InstanceSpec spec, Map<Integer, ReplicaSet> current) {
    List<ReplicaPlan.Current> held = new ArrayList<>();
    current.forEach((index, set) -> held.add(new ReplicaPlan.Current(index, set.releaseId(), set.image(), true)));
    ReplicaPlan plan = ReplicaPlan.of(held, spec.sets());
    Map<Integer, ReplicaSet> now = new TreeMap<>(plan.keep());
    now.putAll(plan.start());
    replicas.put(spec.instanceId(), now);
    return Future.succeededFuture(running(spec.instanceId(), now));
  }

  private static RunningInstance running(String instanceId, Map<Integer, ReplicaSet> held) {
    List<Replica> list = new ArrayList<>();
    held.forEach((index, set) ->
        list.add(new Replica(index, set.releaseId(), 0, "127.0.0.1", 0, "running", true, Instant.EPOCH, 0)));
    return new RunningInstance("noop:" + instanceId, list);
  }

  /** "rel_a×2,rel_b×1": what a spec asks for, for the call log. */
  private static String describe(InstanceSpec spec) {
    return String.join(",", spec.sets().stream().map(set -> set.releaseId() + "×" + set.count()).toList());
  }

  private void record(String call) {
    if (calls.size() < MAX_RECORDED_CALLS) {
      calls.add(call);
    }
  }
}
