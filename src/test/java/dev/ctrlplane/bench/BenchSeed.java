package dev.ctrlplane.bench;

import dev.ctrlplane.Auth;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.config.CtrlplaneConfig.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds a running ctrlplane for {@code scripts/bench.sh}, through its API: tenants with a quota large enough for the
 * benchmark, then instances on the noop provider, at most {@code concurrency} requests in flight. Writes into
 * {@code out}: {@code tokens} (one tenant token per line, tenant i on line i), {@code ids} ("instance-id
 * tenant-line" per line) and {@code admin-token}.
 *
 * <p>Usage: {@code BenchSeed <port> <jwt-secret> <tenants> <instances-per-tenant> <concurrency> <out-dir>}
 */
public final class BenchSeed {

  private static final int TOKEN_TTL_SECONDS = 2 * 3600;
  private static final JsonObject QUOTA = new JsonObject().put("max_instances", 1_000_000)
      .put("max_cpu_millis", 2_000_000_000).put("max_memory_mb", 2_000_000_000).put("max_domains", 500)
      .put("max_secrets", 10_000);

  private final HttpClient http;
  private final JWTAuth signer;
  private final String adminToken;

  private BenchSeed(HttpClient http, JWTAuth signer) {
    this.http = http;
    this.signer = signer;
    this.adminToken = sign(new JsonObject().put("sub", "bench-operator")
        .put("roles", new JsonArray().add(Principal.ADMIN_ROLE)));
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String secret = args[1];
    int tenants = Integer.parseInt(args[2]);
    int perTenant = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    Vertx vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    BenchSeed seed = new BenchSeed(http, Auth.jwt(vertx, new AuthConfig(secret, "HS256", "", "", "")));
    try {
      long started = System.nanoTime();
      List<String> tenantIds = seed.tenants(tenants, concurrency).toCompletionStage().toCompletableFuture()
          .get(300, TimeUnit.SECONDS);
      List<String> tokens = tenantIds.stream().map(seed::tenantToken).toList();
      List<String> ids = seed.instances(tokens, perTenant, concurrency).toCompletionStage().toCompletableFuture()
          .get(600, TimeUnit.SECONDS);
      Files.write(out.resolve("tokens"), tokens);
      Files.write(out.resolve("ids"), ids);
      Files.writeString(out.resolve("admin-token"), seed.adminToken + "\n");
      System.out.printf("seeded %d tenants and %d instances in %.1fs%n", tenantIds.size(), ids.size(),
          (System.nanoTime() - started) / 1e9);
    } finally {
      vertx.close();
    }
  }

  private Future<List<String>> tenants(int count, int concurrency) {
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    return bounded(count, concurrency, i -> {
      String slug = "bench-" + run + "-" + i;
      JsonObject body = new JsonObject().put("name", "Bench tenant " + i).put("slug", slug).put("plan", "enterprise");
      return send(HttpMethod.POST, "/v1/admin/tenants", adminToken, body, 201)
          .compose(tenant -> send(HttpMethod.PUT, "/v1/admin/tenants/" + tenant.getString("id") + "/quota",
              adminToken, QUOTA, 200).map(tenant.getString("id")));
    });
  }

  /** Creates perTenant instances in every tenant, interleaved across tenants; "id tenant-line" per instance. */
  private Future<List<String>> instances(List<String> tokens, int perTenant, int concurrency) {
    int tenants = tokens.size();
    return bounded(tenants * perTenant, concurrency, i -> {
      int tenant = i % tenants;
      JsonObject body = new JsonObject().put("name", "seed-" + (i / tenants)).put("image", "hello:1.0")
          .put("provider_name", "noop");
      return send(HttpMethod.POST, "/v1/instances", tokens.get(tenant), body, 201)
          .map(created -> created.getString("id") + " " + (tenant + 1));
    });
  }

  /** Runs count tasks, at most concurrency at once; results in task order. */
  private static <T> Future<List<T>> bounded(int count, int concurrency,
      java.util.function.IntFunction<Future<T>> task) {
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(count, null));
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(concurrency, count); w++) {
      workers.add(worker(next, count, task, results));
    }
    return Future.all(workers).map(results);
  }

  private static <T> Future<Void> worker(AtomicInteger next, int count,
      java.util.function.IntFunction<Future<T>> task, List<T> results) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return Future.succeededFuture();
    }
    return task.apply(i).compose(result -> {
      synchronized (results) {
        results.set(i, result);
      }
      return worker(next, count, task, results);
    });
  }

  private Future<JsonObject> send(HttpMethod method, String path, String token, JsonObject body, int expected) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(buffer -> {
          if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + buffer);
          }
          return buffer.toJsonObject();
        }));
  }

  private String tenantToken(String tenantId) {
    return sign(new JsonObject().put("sub", "bench-user").put("tenant_id", tenantId).put("roles", new JsonArray()));
  }

  private String sign(JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(TOKEN_TTL_SECONDS));
  }
}
