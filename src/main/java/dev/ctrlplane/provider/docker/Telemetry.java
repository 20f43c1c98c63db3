package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ReplicaTelemetry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Logs and stats of an instance's containers, from the engine: {@code /logs} demultiplexed into stdout and stderr
 * lines, {@code /stats} one-shot samples, CPU computed against the previous sample of the same container.
 */
final class Telemetry implements ReplicaTelemetry {

  private record CpuSample(long total, long system) {}

  private final Engine engine;
  private final Function<String, DockerInstance> instances;
  /** The last CPU sample of each container, by instance: replaced at each {@link #stats}, so gone ones drop out. */
  private final Map<String, Map<String, CpuSample>> previous = new ConcurrentHashMap<>();

  Telemetry(Engine engine, Function<String, DockerInstance> instances) {
    this.engine = engine;
    this.instances = instances;
  }

  @Override
  public Future<List<LogLine>> logs(String instanceId, Instant since, int tail) {
    List<Future<List<LogLine>>> perReplica = new ArrayList<>();
    for (DockerSlot slot : slots(instanceId)) {
      Container container = slot.container();
      if (container == null) {
        continue;
      }
      long sinceSeconds = since == null ? 0 : since.getEpochSecond();
      perReplica.add(engine.logs(container.id(), sinceSeconds, tail).map(stream -> LogDemux.lines(stream).stream()
          .filter(line -> since == null || line.timestamp() == null || line.timestamp().isAfter(since))
          .map(line -> new LogLine(line.timestamp(), slot.index(), line.stream(), line.text()))
          .toList()));
    }
    return Future.all(perReplica).map(done -> perReplica.stream()
        .flatMap(f -> f.result().stream())
        .sorted(Comparator.comparing(LogLine::timestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList());
  }

  @Override
  public Future<List<ReplicaStats>> stats(String instanceId) {
    List<Future<ReplicaStats>> perReplica = new ArrayList<>();
    Map<String, CpuSample> before = previous.getOrDefault(instanceId, Map.of());
    Map<String, CpuSample> now = new ConcurrentHashMap<>();
    for (DockerSlot slot : slots(instanceId)) {
      Container container = slot.container();
      if (container != null) {
        perReplica.add(engine.stats(container.id())
            .map(json -> sample(slot.index(), json, before.get(container.id()), now, container.id()))
            .otherwise((ReplicaStats) null));
      }
    }
    return Future.join(perReplica).transform(done -> {
      if (now.isEmpty()) {
        previous.remove(instanceId);
      } else {
        previous.put(instanceId, now);
      }
      return Future.succeededFuture(perReplica.stream().map(Future::result).filter(Objects::nonNull).toList());
    });
  }

  private List<DockerSlot> slots(String instanceId) {
    DockerInstance instance = instances.apply(instanceId);
    return instance == null ? List.of() : List.copyOf(instance.slots());
  }

  private static ReplicaStats sample(int index, JsonObject json, CpuSample before, Map<String, CpuSample> now,
      String containerId) {
    JsonObject cpu = json.getJsonObject("cpu_stats", new JsonObject());
    long total = cpu.getJsonObject("cpu_usage", new JsonObject()).getLong("total_usage", 0L);
    long system = cpu.getLong("system_cpu_usage", 0L);
    int cpus = cpu.getInteger("online_cpus", 1);
    now.put(containerId, new CpuSample(total, system));
    JsonObject pre = json.getJsonObject("precpu_stats", new JsonObject());
    long preTotal = pre.getJsonObject("cpu_usage", new JsonObject()).getLong("total_usage", 0L);
    long preSystem = pre.getLong("system_cpu_usage", 0L);
    if (preSystem == 0 && before != null) {
      preTotal = before.total();
      preSystem = before.system();
    }
    double percent = system > preSystem && preSystem > 0
        ? (double) (total - preTotal) / (system - preSystem) * Math.max(1, cpus) * 100.0
        : 0.0;
    JsonObject memory = json.getJsonObject("memory_stats", new JsonObject());
    long rx = 0;
    long tx = 0;
    JsonObject networks = json.getJsonObject("networks", new JsonObject());
    for (String name : networks.fieldNames()) {
      JsonObject net = networks.getJsonObject(name);
      rx += net.getLong("rx_bytes", 0L);
      tx += net.getLong("tx_bytes", 0L);
    }
    return new ReplicaStats(index, Instant.now(), Math.max(0, percent), memory.getLong("usage", 0L),
        memory.getLong("limit", 0L), rx, tx);
  }
}
