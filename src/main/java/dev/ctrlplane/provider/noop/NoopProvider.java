package dev.ctrlplane.provider.noop;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.ProviderHealth;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider that runs nothing and only records the calls it gets: for benchmarks and API tests, where thousands of
 * instances must be cheap. Enabled only by {@code provider.noop.enabled}.
 */
public final class NoopProvider implements Provider {

  /** Bounds the call log so a long benchmark cannot grow it without limit. */
  private static final int MAX_RECORDED_CALLS = 10_000;

  private final Map<String, Integer> replicas = new ConcurrentHashMap<>();
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
  public Future<RunningInstance> start(InstanceSpec spec) {
    record("start " + spec.instanceId());
    return run(spec);
  }

  @Override
  public Future<RunningInstance> restart(InstanceSpec spec) {
    record("restart " + spec.instanceId());
    return run(spec);
  }

  @Override
  public Future<RunningInstance> scale(InstanceSpec spec) {
    record("scale " + spec.instanceId() + " " + spec.replicas());
    return run(spec);
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
    return Future.succeededFuture(running(instanceId, replicas.getOrDefault(instanceId, 0)));
  }

  @Override
  public Set<String> instanceIds() {
    return Set.copyOf(replicas.keySet());
  }

  @Override
  public void setListener(ProviderListener listener) {
    // nothing ever fails on its own here
  }

  /** The calls received, oldest first, e.g. "start inst_…". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  private Future<RunningInstance> run(InstanceSpec spec) {
    replicas.put(spec.instanceId(), spec.replicas());
    return Future.succeededFuture(running(spec.instanceId(), spec.replicas()));
  }

  private static RunningInstance running(String instanceId, int count) {
    List<Replica> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new Replica(i, 0, 0, "running", Instant.EPOCH, 0));
    }
    return new RunningInstance("noop:" + instanceId, list, List.of());
  }

  private void record(String call) {
    if (calls.size() < MAX_RECORDED_CALLS) {
      calls.add(call);
    }
  }
}
