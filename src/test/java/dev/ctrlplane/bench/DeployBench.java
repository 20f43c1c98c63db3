package dev.ctrlplane.bench;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The deployment benchmark of {@code scripts/bench.sh --suite deploy} (docs/BENCHMARKS.md). A node on its own
 * embedded PostgreSQL, in this JVM so that the end of every deployment is seen on the bus the moment it is published:
 * <ol>
 *   <li>noop: {@code concurrency} clients (over up to 16 tenants), each redeploying its own 2-replica noop instance
 *       (rolling) as soon as its previous deployment succeeded; deploys/s and the time from the POST to {@code deploy.succeeded};
 *   <li>real: rolling deploys of a 3-replica hello instance, against what its replicas take themselves (a replica's
 *       start until it listens plus its stop, measured through the provider): the control plane's own overhead.
 * </ol>
 * Usage: {@code DeployBench <warmup-seconds> <seconds> <concurrency> <real-rounds>}; prints tab-separated results.
 */
public final class DeployBench {

  /** Clients spread over this many tenants: deploys of one tenant share its audit chain, as they should. */
  private static final int TENANTS = 16;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final TestNode node;
  private final String token;
  private final List<String> tokens = new ArrayList<>();
  private final Map<String, CompletableFuture<Long>> ends = new ConcurrentHashMap<>();

  private DeployBench(TestNode node, String token) {
    this.node = node;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    TestNode node = TestNode.start(Map.of("log.level", "WARN"));
    try {
      String tenant = Fixtures.tenant(node);
      DeployBench bench = new DeployBench(node, node.token(tenant, "bench"));
      for (int i = 0; i < Math.min(concurrency, TENANTS); i++) {
        bench.tokens.add(node.token(Fixtures.tenant(node), "bench"));
      }
      MessageConsumer<JsonObject> succeeded = node.plane().vertx().eventBus()
          .consumer("ctrlplane.events.deploy.succeeded", message -> bench.ended(message.body()));
      Futures.await(succeeded.completion());
      bench.noop(warmup, seconds, concurrency);
      bench.real(rounds);
    } finally {
      NodeExtension.cleanUpAndClose(node);
      System.exit(0);
    }
  }

  private void ended(JsonObject event) {
    ends.computeIfAbsent(event.getString("resource_id"), id -> new CompletableFuture<>()).complete(System.nanoTime());
  }

  // ---- noop --------------------------------------------------------------------------------------------------

  private void noop(int warmup, int seconds, int concurrency) throws Exception {
    List<String> instances = new ArrayList<>();
    Map<String, String> tokenOf = new ConcurrentHashMap<>();
    for (int i = 0; i < concurrency; i++) {
      Api api = node.api(tokens.get(i % tokens.size()));
      String id = api.post("/v1/instances", Fixtures.noopInstance("bench " + i)
          .put("resources", new JsonObject().put("replicas", 2))).expect(201).id();
      instances.add(id);
      tokenOf.put(id, tokens.get(i % tokens.size()));
      api.awaitState(id, "running", 60);
    }
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean running = new AtomicBoolean(true);
    List<CompletableFuture<Void>> clients = instances.stream()
        .map(id -> redeploy(id, tokenOf.get(id), running, measuring, latencies)).toList();
    Thread.sleep(warmup * 1000L); // the benchmark's own clock: warm-up, then the measured window
    measuring.set(true);
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    running.set(false);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("deploy-noop\tdeploys/s\t%.1f\tp50_ms\t%.1f\tp99_ms\t%.1f\tclients\t%d%n",
        sorted.size() / (double) seconds, millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.99)),
        concurrency);
  }

  /** One client: deploys its instance, waits for the deployment's end, again, until told to stop. */
  private CompletableFuture<Void> redeploy(String instanceId, String as, AtomicBoolean running,
      AtomicBoolean measuring, List<Long> latencies) {
    if (!running.get()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean counted = measuring.get();
    long sent = System.nanoTime();
    return post(as, "/v1/instances/" + instanceId + "/deploy", "{\"strategy\": \"rolling\"}")
        .thenCompose(body -> ends.computeIfAbsent(new JsonObject(body).getString("id"), id -> new CompletableFuture<>()))
        .thenCompose(done -> {
          if (counted && measuring.get()) {
            latencies.add(done - sent);
          }
          return redeploy(instanceId, as, running, measuring, latencies);
        });
  }

  private CompletableFuture<String> post(String as, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + as)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() != 201) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    });
  }

  // ---- real --------------------------------------------------------------------------------------------------

  private void real(int rounds) throws Exception {
    Api api = node.api(token);
    String id = api.post("/v1/instances", Fixtures.processInstance("bench real", "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", 3))).expect(201).id();
    api.awaitState(id, "running", 60);
    List<Long> totals = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long sent = System.nanoTime();
      String body = "{\"image\": \"hello:" + (i % 2 == 0 ? "2.0" : "1.0") + "\"}";
      String deployment = new JsonObject(post(token, "/v1/instances/" + id + "/deploy", body).get()).getString("id");
      totals.add(ends.computeIfAbsent(deployment, d -> new CompletableFuture<>()).get() - sent);
    }
    List<Long> own = replicaOwnTimes(rounds);
    long deploy = median(totals);
    long replicas = 3 * median(own);
    System.out.printf("deploy-real\ttotal_ms\t%.1f\treplicas_own_ms\t%.1f\toverhead_ms\t%.1f\trounds\t%d%n",
        millis(deploy), millis(replicas), millis(deploy - replicas), rounds);
  }

  /** What one hello replica takes itself: from spawn until it listens, plus its stop; through the provider alone. */
  private List<Long> replicaOwnTimes(int rounds) {
    Provider process = node.plane().providers().get("process");
    InstanceSpec spec = InstanceSpec.single("bench-probe", "bench", "rel-probe", "hello:2.0", Map.of(),
        new Resources(100, 64, 128, 1), List.of());
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      Futures.await(process.apply(spec));
      Futures.await(process.stop("bench-probe"));
      times.add(System.nanoTime() - start);
    }
    Futures.await(process.destroy("bench-probe"));
    return times;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
