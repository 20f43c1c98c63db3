package dev.ctrlplane.bench;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.ChildJvm;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The health benchmark of {@code scripts/bench.sh health} (docs/BENCHMARKS.md): one node on its own embedded
 * PostgreSQL runs {@code checks} http checks at a 1 s interval (spread over noop instances, {@value #PER_INSTANCE} per
 * instance) against {@link FastServer} in a JVM of its own, allowed by {@code health.allowed_targets}. After the
 * warm-up it measures, over the window: checks stored per second (rows in {@code health_results}), the scheduling
 * lag of {@code health.check} runs (due → started, the scheduler's own timer: p50, p99, max), and the latency of
 * {@code GET /v1/instances/{id}} from one client in a loop.
 * Usage: {@code HealthBench <warmup-seconds> <seconds> <checks>}; prints tab-separated results.
 */
public final class HealthBench {

  private static final int PER_INSTANCE = 20;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int checks = Integer.parseInt(args[2]);
    try (ChildJvm target = ChildJvm.start("fast-server", FastServer.class.getName(), List.of("1"), null)) {
      String line = target.awaitLine(l -> l.startsWith("listening "), 30, "the fast server to listen");
      int port = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
      TestNode node = TestNode.start(Map.of("log.level", "WARN", "health.allowed_targets", "127.0.0.1"));
      try {
        run(node, port, warmup, seconds, checks);
      } finally {
        NodeExtension.cleanUpAndClose(node);
      }
    }
    System.exit(0);
  }

  private static void run(TestNode node, int port, int warmup, int seconds, int checks) throws Exception {
    String token = node.token(Fixtures.tenant(node), "bench");
    Api api = node.api(token);
    List<String> instances = new ArrayList<>();
    for (int i = 0; i * PER_INSTANCE < checks; i++) {
      String id = api.post("/v1/instances", Fixtures.noopInstance("bench " + i)
          .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)))).expect(201).id();
      api.awaitState(id, "running", 60);
      instances.add(id);
    }
    for (int c = 0; c < checks; c++) {
      api.post("/v1/instances/" + instances.get(c / PER_INSTANCE) + "/health/checks", new JsonObject()
          .put("name", "c" + c).put("type", "http").put("target", "http://127.0.0.1:" + port + "/")
          .put("interval", "1s").put("timeout", "500ms").put("retries", 3)).expect(201);
    }
    Thread.sleep(warmup * 1000L);
    long before = results(node);
    Timer lag = lagTimer();
    double maxBefore = lag == null ? 0 : lag.max(TimeUnit.MILLISECONDS);
    List<Long> gets = getLoop(node.port(), token, instances.get(0), seconds);
    long after = results(node);
    double[] lagPercentiles = percentiles(lag);
    Collections.sort(gets);
    System.out.printf("health\tchecks/s\t%.0f\tlag_p50_ms\t%.1f\tlag_p99_ms\t%.1f\tlag_max_ms\t%.1f\t"
        + "get_p50_ms\t%.1f\tget_p99_ms\t%.1f\tchecks\t%d%n",
        (after - before) / (double) seconds, lagPercentiles[0], lagPercentiles[1],
        lag == null ? 0 : Math.max(maxBefore, lag.max(TimeUnit.MILLISECONDS)),
        millis(percentile(gets, 0.50)), millis(percentile(gets, 0.99)), checks);
  }

  /** Results stored so far (a count in the store: the figure is what was recorded, not what was attempted). */
  private static long results(TestNode node) {
    return dev.ctrlplane.admin.AdminFixtures.count(node, "SELECT count(*) FROM health_results");
  }

  /** GET one instance in a loop for {@code seconds}; each latency in ns. */
  private static List<Long> getLoop(int port, String token, String id, int seconds) throws Exception {
    List<Long> latencies = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/instances/"
        + id)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
    while (System.nanoTime() < end) {
      long sent = System.nanoTime();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET answered " + response.statusCode());
      }
      latencies.add(System.nanoTime() - sent);
      Thread.sleep(5);
    }
    return latencies;
  }

  private static Timer lagTimer() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? null : registry.find("ctrlplane.scheduler.lag").tag("kind", "health.check").timer();
  }

  private static double[] percentiles(Timer timer) {
    double[] out = new double[2];
    if (timer == null) {
      return out;
    }
    for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
      if (p.percentile() == 0.5) {
        out[0] = p.value(TimeUnit.MILLISECONDS);
      } else if (p.percentile() == 0.99) {
        out[1] = p.value(TimeUnit.MILLISECONDS);
      }
    }
    return out;
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
