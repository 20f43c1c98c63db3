package dev.ctrlplane.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The usage counters kept on the tenant row by the instances triggers, and the quota check that reads them. */
class TenantUsageTest {

  private static final String STORED_USAGE = """
      SELECT count(*) AS instances, coalesce(sum(cpu_millis::bigint * replicas), 0) AS cpu_millis,
             coalesce(sum(memory_mb::bigint * replicas), 0) AS memory_mb
      FROM instances WHERE tenant_id = $1""";

  static TestNode node;
  static Api admin;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    admin = node.api(node.adminToken());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void parallelCreatesStopExactlyAtTheQuota() {
    String tenant = Fixtures.tenant(node);
    admin.put("/v1/admin/tenants/" + tenant + "/quota", new JsonObject().put("max_instances", 5)
        .put("max_cpu_millis", 100_000).put("max_memory_mb", 100_000).put("max_domains", 1).put("max_secrets", 1))
        .expect(200);
    Api alice = node.api(node.token(tenant, "alice"));
    ExecutorService callers = Executors.newFixedThreadPool(20);
    try {
      List<CompletableFuture<Integer>> calls = IntStream.range(0, 20)
          .mapToObj(i -> CompletableFuture.supplyAsync(
              () -> alice.post("/v1/instances", Fixtures.noopInstance("parallel " + i)).status(), callers))
          .toList();
      Map<Integer, Long> statuses = calls.stream().map(CompletableFuture::join)
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertEquals(Map.of(201, 5L, 429, 15L), statuses);
    } finally {
      callers.shutdownNow();
    }
    assertEquals(new JsonObject().put("instances", 5).put("cpu_millis", 2500).put("memory_mb", 1280), used(tenant));
    assertEquals(stored(tenant), used(tenant));
    assertEquals(5, alice.get("/v1/instances?limit=2").expect(200).json().getLong("total"), "total of the whole tenant");
    assertEquals(5, alice.get("/v1/instances?limit=2&provider=noop").expect(200).json().getLong("total"),
        "total counted over a filter");
  }

  @Test
  void countersFollowScaleAndDelete() {
    String tenant = Fixtures.tenant(node);
    Api alice = node.api(node.token(tenant, "alice"));
    String id = alice.post("/v1/instances", Fixtures.noopInstance("resized")).expect(201).id();
    alice.awaitState(id, "running", 30);
    alice.post("/v1/instances/" + id + "/scale?wait=10s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 3).put("memory_mb", 512))).expect(200);
    assertEquals(new JsonObject().put("instances", 1).put("cpu_millis", 1500).put("memory_mb", 1536), used(tenant));
    assertEquals(stored(tenant), used(tenant));
    alice.delete("/v1/instances/" + id + "?wait=10s").expect(204);
    assertEquals(new JsonObject().put("instances", 0).put("cpu_millis", 0).put("memory_mb", 0), used(tenant));
  }

  @Test
  void everyPageOfATenantCarriesItsTotal() {
    String tenant = Fixtures.tenant(node);
    Api alice = node.api(node.token(tenant, "alice"));
    JsonObject empty = alice.get("/v1/instances?limit=2").expect(200).json();
    assertEquals(0, empty.getLong("total"));
    assertEquals(0, empty.getJsonArray("items").size());
    for (int i = 0; i < 3; i++) {
      alice.post("/v1/instances", Fixtures.noopInstance("paged " + i)).expect(201);
    }
    JsonObject first = alice.get("/v1/instances?limit=2").expect(200).json();
    assertEquals(3, first.getLong("total"));
    assertEquals(2, first.getJsonArray("items").size());
    JsonObject last = alice.get("/v1/instances?limit=2&cursor=" + first.getString("next_cursor")).expect(200).json();
    assertEquals(3, last.getLong("total"));
    assertEquals(1, last.getJsonArray("items").size());
    JsonObject oldest = last.getJsonArray("items").getJsonObject(0);
    String pastTheEnd = new Cursor(Instant.parse(oldest.getString("created_at")).minusSeconds(1), oldest.getString("id"))
        .encode();
    JsonObject past = alice.get("/v1/instances?limit=2&cursor=" + pastTheEnd).expect(200).json();
    assertEquals(0, past.getJsonArray("items").size());
    assertEquals(3, past.getLong("total"), "a page past the end still counts every match");
  }

  /** The instance part of GET …/quota's "used". */
  private static JsonObject used(String tenant) {
    JsonObject used = admin.get("/v1/admin/tenants/" + tenant + "/quota").expect(200).json().getJsonObject("used");
    return new JsonObject().put("instances", used.getLong("instances")).put("cpu_millis", used.getLong("cpu_millis"))
        .put("memory_mb", used.getLong("memory_mb"));
  }

  /** The same figures summed from the instances themselves. */
  private static JsonObject stored(String tenant) {
    Row row = Futures.await(node.plane().pool().preparedQuery(STORED_USAGE).execute(Tuple.of(tenant)))
        .iterator().next();
    return new JsonObject().put("instances", row.getLong("instances")).put("cpu_millis", row.getLong("cpu_millis"))
        .put("memory_mb", row.getLong("memory_mb"));
  }
}
