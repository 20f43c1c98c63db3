package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quotas (SPEC §10): plan defaults, real used figures, PUT, enforcement on create and scale, also under races. */
class QuotaTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void theFreePlanAllowsThreeInstancesAndRefusesTheFourthWithAClearMessage() {
    String tenantId = Fixtures.createTenant(node.admin(), "free").getString("id");
    Api user = node.api(node.token(tenantId, "alice"));
    for (int i = 1; i <= 3; i++) {
      user.post("/v1/instances", Fixtures.noopInstance("web " + i)).expect(201);
    }
    Api.Response refused = user.post("/v1/instances", Fixtures.noopInstance("web 4")).expectError(429, "quota_exceeded");
    String message = refused.json().getString("message");
    assertTrue(message.contains("max_instances") && message.contains("3") && message.contains(tenantId), message);
    assertEquals(3, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", tenantId));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1 AND name = 'web 4'",
        tenantId));
  }

  @Test
  void quotaShowsThePlansLimitsAndExactUsedFigures() {
    String tenantId = Fixtures.createTenant(node.admin(), "enterprise").getString("id");
    Api user = node.api(node.token(tenantId, "alice"));
    String quotaPath = "/v1/admin/tenants/" + tenantId + "/quota";
    JsonObject empty = node.admin().get(quotaPath).expect(200).json();
    assertEquals(quota(500, 512000, 1048576, 500, 10000), empty.getJsonObject("quota"));
    assertEquals(used(0, 0, 0), empty.getJsonObject("used"));

    String a = user.post("/v1/instances", sized("a", 250, 128, 2)).expect(201).id();
    String b = user.post("/v1/instances", sized("b", 1000, 512, 3)).expect(201).id();
    String c = user.post("/v1/instances", sized("c", 100, 64, 1)).expect(201).id();
    user.awaitState(c, "running", 30);
    user.post("/v1/instances/" + c + "/stop?wait=20s").expect(200);
    // every instance counts, whatever its state; cpu and memory are summed over replicas
    assertEquals(used(3, 250 * 2 + 1000 * 3 + 100, 128 * 2 + 512 * 3 + 64),
        node.admin().get(quotaPath).expect(200).json().getJsonObject("used"));

    user.awaitState(b, "running", 30);
    user.post("/v1/instances/" + b + "/scale?wait=20s", new JsonObject().put("resources",
        new JsonObject().put("replicas", 1).put("memory_mb", 1024))).expect(200);
    assertEquals(used(3, 250 * 2 + 1000 + 100, 128 * 2 + 1024 + 64),
        node.admin().get(quotaPath).expect(200).json().getJsonObject("used"));

    user.awaitState(a, "running", 30);
    user.delete("/v1/instances/" + a + "?wait=20s").expect(204);
    assertEquals(used(2, 1000 + 100, 1024 + 64), node.admin().get(quotaPath).expect(200).json().getJsonObject("used"));
    assertEquals(tenantId, node.admin().get(quotaPath).expect(200).json().getString("tenant_id"));
  }

  @Test
  void putReplacesTheQuotaAndIsValidatedFieldByField() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "free");
    String quotaPath = "/v1/admin/tenants/" + tenant.getString("id") + "/quota";
    JsonObject before = node.admin().get(quotaPath).expect(200).json();

    Map<String, JsonObject> bad = Map.of(
        "max_secrets", quota(1, 1, 1, 1, 1).copy().put("max_secrets", (Object) null),
        "max_instances", quota(-1, 1, 1, 1, 1),
        "max_cpu_millis", quota(1, 1, 1, 1, 1).put("max_cpu_millis", 2.5),
        "max_memory_mb", quota(1, 1, 1, 1, 1).put("max_memory_mb", "1024"),
        "max_domains", quota(1, 1, 1, 1, 1).put("max_domains", 3_000_000_000L));
    bad.forEach((field, body) -> {
      Api.Response refused = node.admin().put(quotaPath, body).expectError(400, "invalid_argument");
      assertTrue(refused.json().getString("message").startsWith(field), refused::body);
    });
    JsonObject missing = quota(1, 1, 1, 1, 1);
    missing.remove("max_memory_mb");
    assertTrue(node.admin().put(quotaPath, missing).expectError(400, "invalid_argument").json().getString("message")
        .startsWith("max_memory_mb"));
    assertEquals(before, node.admin().get(quotaPath).expect(200).json(), "a refused PUT changes nothing");

    JsonObject put = node.admin().put(quotaPath, quota(7, 7000, 7168, 0, 0).put("unknown", true)).expect(200).json();
    assertEquals(quota(7, 7000, 7168, 0, 0), put.getJsonObject("quota"));
    assertEquals(quota(7, 7000, 7168, 0, 0), node.admin().get("/v1/admin/tenants/" + tenant.getString("id")).expect(200)
        .json().getJsonObject("quota"));
    // the tenant's own quota no longer follows its plan
    node.admin().patch("/v1/admin/tenants/" + tenant.getString("id"), new JsonObject().put("plan", "pro")).expect(200);
    assertEquals(quota(7, 7000, 7168, 0, 0), node.admin().get(quotaPath).expect(200).json().getJsonObject("quota"));
  }

  @Test
  void loweringTheQuotaBelowUseIsAllowedAndBlocksOnlyGrowth() {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    Api user = node.api(node.token(tenantId, "alice"));
    String a = Fixtures.runningNoop(user, "a");
    String b = Fixtures.runningNoop(user, "b");
    user.post("/v1/instances/" + b + "/scale?wait=20s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 2))).expect(200);

    JsonObject lowered = node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(1, 600, 600, 0, 0))
        .expect(200).json();
    assertEquals(used(2, 1500, 768), lowered.getJsonObject("used"));
    assertEquals(1, lowered.getJsonObject("quota").getInteger("max_instances"));

    user.post("/v1/instances", Fixtures.noopInstance("c")).expectError(429, "quota_exceeded");
    user.post("/v1/instances/" + a + "/scale", new JsonObject().put("resources",
        new JsonObject().put("replicas", 2))).expectError(429, "quota_exceeded");
    // what does not grow still works
    user.patch("/v1/instances/" + a, new JsonObject().put("name", "a renamed")).expect(200);
    user.post("/v1/instances/" + a + "/restart?wait=20s").expect(200);
    user.post("/v1/instances/" + a + "/stop?wait=20s").expect(200);
    user.post("/v1/instances/" + a + "/start?wait=20s").expect(200);
    user.post("/v1/instances/" + b + "/scale?wait=20s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 1))).expect(200);
    user.delete("/v1/instances/" + a + "?wait=20s").expect(204);
    assertEquals(used(1, 500, 256), node.admin().get("/v1/admin/tenants/" + tenantId + "/quota").expect(200).json()
        .getJsonObject("used"));
    user.post("/v1/instances", Fixtures.noopInstance("c")).expectError(429, "quota_exceeded");
  }

  @Test
  void scalingBeyondTheCpuOrMemoryQuotaIs429AndChangesNothing() {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(10, 2000, 1024, 0, 0)).expect(200);
    Api user = node.api(node.token(tenantId, "alice"));
    String id = Fixtures.runningNoop(user, "web");

    JsonObject atLimit = user.post("/v1/instances/" + id + "/scale?wait=20s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 4))).expect(200).json();
    assertEquals(4, atLimit.getJsonObject("resources").getInteger("replicas"), "exactly at the limit is allowed");

    String cpu = user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
        new JsonObject().put("replicas", 5))).expectError(429, "quota_exceeded").json().getString("message");
    assertTrue(cpu.contains("max_cpu_millis") && cpu.contains("2000") && cpu.contains("2500"), cpu);
    String memory = user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
        new JsonObject().put("memory_mb", 512).put("cpu_millis", 100))).expectError(429, "quota_exceeded").json()
        .getString("message");
    assertTrue(memory.contains("max_memory_mb") && memory.contains("1024") && memory.contains("2048"), memory);
    String create = user.post("/v1/instances", Fixtures.noopInstance("more")).expectError(429, "quota_exceeded").json()
        .getString("message");
    assertTrue(create.contains("max_cpu_millis"), create);

    JsonObject after = user.get("/v1/instances/" + id).expect(200).json();
    assertEquals("running", after.getString("state"));
    assertEquals(atLimit.getJsonObject("resources"), after.getJsonObject("resources"));
    assertEquals(atLimit.getInteger("version"), after.getInteger("version"));

    // a stopped instance's new size counts too
    user.post("/v1/instances/" + id + "/stop?wait=20s").expect(200);
    user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
        new JsonObject().put("replicas", 5))).expectError(429, "quota_exceeded");
    user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
        new JsonObject().put("replicas", 2))).expect(202);
  }

  @Test
  void aRefusalIsPublishedAsQuotaExceededAndStored() throws InterruptedException {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(1, 1000, 1000, 0, 0)).expect(200);
    Api user = node.api(node.token(tenantId, "alice"));
    Fixtures.runningNoop(user, "only");

    BlockingQueue<JsonObject> seen = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = node.plane().vertx().eventBus()
        .consumer("ctrlplane.events.quota.exceeded", message -> seen.add(message.body()));
    Futures.await(consumer.completion());
    try {
      user.post("/v1/instances", Fixtures.noopInstance("second")).expectError(429, "quota_exceeded");
      JsonObject event = poll(seen);
      assertEquals("quota.exceeded", event.getString("type"));
      assertEquals(tenantId, event.getString("tenant_id"));
      assertEquals("alice", event.getString("actor_id"));
      assertEquals("max_instances", event.getJsonObject("data").getString("limit"));
      assertEquals(1, event.getJsonObject("data").getInteger("max"));
      assertEquals(2, event.getJsonObject("data").getInteger("would_use"));
      assertEquals("instance", event.getJsonObject("data").getString("resource"));
      assertEquals("create", event.getJsonObject("data").getString("action"));
      assertNotNull(event.getString("id"));
      assertEquals(1, count(node.node(), "SELECT count(*) FROM events WHERE id = $1 AND type = 'quota.exceeded'"
          + " AND tenant_id = $2 AND data->>'limit' = 'max_instances'", event.getString("id"), tenantId));
    } finally {
      Futures.await(consumer.unregister());
    }
  }

  @Test
  void twentyParallelCreatesAgainstAQuotaOfFiveLeaveExactlyFive() throws Exception {
    String tenantId = Fixtures.createTenant(node.admin(), "enterprise").getString("id");
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(5, 100000, 100000, 0, 0)).expect(200);
    Api user = node.api(node.token(tenantId, "racer"));

    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Api.Response>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        String name = "racer " + i;
        calls.add(pool.submit(() -> {
          go.await();
          return user.post("/v1/instances", Fixtures.noopInstance(name));
        }));
      }
      go.countDown();
      List<Api.Response> responses = new ArrayList<>();
      for (Future<Api.Response> call : calls) {
        responses.add(call.get(60, TimeUnit.SECONDS));
      }
      Map<Integer, Long> byStatus = responses.stream()
          .collect(Collectors.groupingBy(Api.Response::status, Collectors.counting()));
      assertEquals(Map.of(201, 5L, 429, 15L), byStatus, () -> responses.stream().map(Api.Response::body).toList()
          .toString());
      responses.stream().filter(r -> r.status() == 429).forEach(r -> r.expectError(429, "quota_exceeded"));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(5, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", tenantId));
    assertEquals(5, node.admin().get("/v1/admin/tenants/" + tenantId + "/quota").expect(200).json()
        .getJsonObject("used").getInteger("instances"));
    Map<String, Long> audited = AdminFixtures.allPages(node.admin(), "/v1/admin/audit?tenant_id=" + tenantId
        + "&resource=instance&action=create", 100).stream()
        .collect(Collectors.groupingBy(e -> e.getString("outcome"), Collectors.counting()));
    assertEquals(Map.of("success", 5L, "failed", 15L), audited);
    assertEquals(15, count(node.node(), "SELECT count(*) FROM events WHERE type = 'quota.exceeded' AND tenant_id = $1",
        tenantId));
    // the 20 entries written side by side still form one unbroken chain, after the tenant's create and quota
    JsonObject chain = node.admin().get("/v1/admin/audit/verify?tenant_id=" + tenantId).expect(200).json();
    assertTrue(chain.getBoolean("valid"), chain::encode);
    assertEquals(22, chain.getInteger("entries_checked"));
  }

  @Test
  void aScaleRacingAShrinkOfTheSameInstanceNeverLeavesTheTenantOverQuota() throws Exception {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(10, 2000, 100000, 0, 0)).expect(200);
    Api user = node.api(node.token(tenantId, "alice"));
    String quotaPath = "/v1/admin/tenants/" + tenantId + "/quota";
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 10; round++) {
        // stopped, so a scale settles at once and the next action is not refused as a second one in flight
        String id = Fixtures.stoppedNoop(user, "shrinking " + round);
        user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
            new JsonObject().put("replicas", 4))).expect(202);
        CountDownLatch go = new CountDownLatch(1);
        Future<Api.Response> shrink = pool.submit(() -> {
          go.await();
          return user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
              new JsonObject().put("replicas", 1)));
        });
        Future<Api.Response> grow = pool.submit(() -> {
          go.await();
          return user.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources",
              new JsonObject().put("cpu_millis", 875)));
        });
        go.countDown();
        int shrunk = shrink.get(60, TimeUnit.SECONDS).status();
        int grown = grow.get(60, TimeUnit.SECONDS).status();
        JsonObject used = node.admin().get(quotaPath).expect(200).json().getJsonObject("used");
        assertTrue(used.getLong("cpu_millis") <= 2000,
            "round " + round + ": shrink " + shrunk + ", grow " + grown + " left " + used.encode());
        user.delete("/v1/instances/" + id + "?wait=20s").expect(204);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static JsonObject sized(String name, int cpuMillis, int memoryMb, int replicas) {
    return Fixtures.noopInstance(name).put("resources", new JsonObject().put("cpu_millis", cpuMillis)
        .put("memory_mb", memoryMb).put("replicas", replicas));
  }

  private static JsonObject used(long instances, long cpuMillis, long memoryMb) {
    return new JsonObject().put("instances", instances).put("cpu_millis", cpuMillis).put("memory_mb", memoryMb)
        .put("domains", 0L).put("secrets", 0L);
  }

  private static JsonObject poll(BlockingQueue<JsonObject> queue) throws InterruptedException {
    JsonObject event = queue.poll(10, TimeUnit.SECONDS);
    assertNotNull(event, "no quota.exceeded event within 10s");
    return event;
  }
}
