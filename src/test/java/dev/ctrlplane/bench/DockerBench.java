package dev.ctrlplane.bench;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The docker provider's benchmark ({@code scripts/bench.sh docker}, docs/BENCHMARKS.md), on Podman's Docker API
 * service started here: per round, the time from POST to {@code running} of a 1-replica and of a 3-replica instance
 * (image present), a stop ({@code ?wait}), a container killed from outside until its replacement serves, and, as
 * the engine's own floor, {@code podman run -d} of the same image until it serves. Prints medians, tab-separated.
 * Usage: {@code DockerBench <rounds>}.
 */
public final class DockerBench {

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    try (PodmanEngine engine = PodmanEngine.start()) {
      engine.importImage("localhost/web:1", "one");
      Map<String, String> settings = new HashMap<>(engine.settings());
      settings.put("log.level", "WARN");
      TestNode node = TestNode.start(settings);
      try {
        Api user = Fixtures.tenantApi(node);
        Map<String, List<Double>> figures = new java.util.LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
          measure(figures, "docker-create-1-replica-ms", () -> createRunning(user, 1));
          String id = createRunning(user, 3);
          figures.computeIfAbsent("docker-create-3-replicas-ms", k -> new ArrayList<>()).add(lastMillis);
          String victim = engine.running("dev.ctrlplane.instance=" + id).get(0);
          long start = System.nanoTime();
          engine.podman("kill", victim);
          Poll.until(() -> engine.running("dev.ctrlplane.instance=" + id).size() == 3
              && !engine.running("dev.ctrlplane.instance=" + id).contains(victim)
              && endpoints(user, id).stream().allMatch(DockerBench::serves), 60, () -> "the replacement");
          add(figures, "docker-crash-to-replaced-ms", start);
          start = System.nanoTime();
          user.post("/v1/instances/" + id + "/stop?wait=60s").expect(200);
          add(figures, "docker-stop-3-replicas-ms", start);
          user.delete("/v1/instances/" + id + "?wait=30s").expect(204);
          start = System.nanoTime();
          String name = "floor-" + round;
          engine.podman("run", "-d", "--name", name, "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
              "-e", "PORT=8080", "-p", "127.0.0.1::8080", "localhost/web:1");
          String port = engine.podman("port", name, "8080/tcp").strip().replaceAll(".*:", "");
          Poll.until(() -> serves("http://127.0.0.1:" + port), 30, () -> "the podman run container to serve");
          add(figures, "podman-run-cli-floor-ms", start);
          engine.podman("rm", "-f", "-t", "0", name);
        }
        figures.forEach((name, values) -> System.out.printf("%s\t%.0f\t(n=%d)%n", name, median(values), values.size()));
      } finally {
        Fixtures.deleteAllInstances(node);
        node.close();
      }
    }
    System.exit(0);
  }

  private static double lastMillis;

  private interface Step {
    String run();
  }

  private static void measure(Map<String, List<Double>> figures, String name, Step step) {
    step.run();
    figures.computeIfAbsent(name, k -> new ArrayList<>()).add(lastMillis);
  }

  private static String createRunning(Api user, int replicas) {
    long start = System.nanoTime();
    JsonObject body = new JsonObject().put("name", Fixtures.uniqueName("bench")).put("image", "localhost/web:1")
        .put("provider_name", "docker").put("resources", new JsonObject().put("replicas", replicas).put("memory_mb", 64))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)));
    String id = user.post("/v1/instances", body).expect(201).id();
    Poll.until(() -> "running".equals(user.get("/v1/instances/" + id).json().getString("state")), 120,
        () -> "instance running");
    lastMillis = (System.nanoTime() - start) / 1e6;
    if (replicas == 1) {
      user.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    }
    return id;
  }

  private static List<String> endpoints(Api user, String id) {
    return user.get("/v1/instances/" + id).json().getJsonArray("endpoints").stream()
        .map(e -> ((JsonObject) e).getString("url")).toList();
  }

  private static boolean serves(String url) {
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/"))
              .timeout(java.time.Duration.ofSeconds(2)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static void add(Map<String, List<Double>> figures, String name, long start) {
    figures.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
