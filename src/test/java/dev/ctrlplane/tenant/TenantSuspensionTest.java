package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.assertAllAlive;
import static dev.ctrlplane.admin.AdminFixtures.assertAllGone;
import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.admin.AdminFixtures.pids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Suspending a tenant suspends its running instances (their processes really stop); unsuspending resumes exactly
 * those. Instances that were stopped, or suspended on their own, stay as they were.
 */
class TenantSuspensionTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void suspendStopsTheRunningInstancesAndUnsuspendBringsBackExactlyThose() {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    Api user = node.api(node.token(tenantId, "alice"));
    String process = processInstance(user, "web");
    String noop = Fixtures.runningNoop(user, "api");
    String stopped = Fixtures.stoppedNoop(user, "batch");
    String ownSuspended = Fixtures.runningNoop(user, "legacy");
    user.post("/v1/instances/" + ownSuspended + "/suspend?wait=20s", new JsonObject().put("reason", "on its own"))
        .expect(200);
    List<Long> before = pids(node.node(), process);
    assertAllAlive(before);

    JsonObject suspended = node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend",
        new JsonObject().put("reason", "unpaid")).expect(200).json();
    assertEquals("suspended", suspended.getString("status"));
    assertEquals("unpaid", suspended.getString("suspend_reason"));
    assertNotNull(suspended.getString("suspended_at"));

    JsonObject processSuspended = user.awaitState(process, "suspended", 30);
    JsonObject noopSuspended = user.awaitState(noop, "suspended", 30);
    assertEquals("tenant suspended: unpaid", processSuspended.getString("suspend_reason"));
    assertEquals("tenant suspended: unpaid", noopSuspended.getString("suspend_reason"));
    assertEquals(List.of(), processSuspended.getJsonArray("endpoints").getList());
    assertAllGone(before);
    assertEquals(List.of(), pids(node.node(), process));
    assertEquals("stopped", state(user, stopped));
    JsonObject own = user.get("/v1/instances/" + ownSuspended).expect(200).json();
    assertEquals("suspended", own.getString("state"));
    assertEquals("on its own", own.getString("suspend_reason"));
    assertEquals("suspended", node.admin().get("/v1/admin/tenants/" + tenantId).expect(200).json().getString("status"));
    assertEquals(1, count(node.node(), "SELECT count(*) FROM events WHERE type = 'tenant.suspended' AND tenant_id = $1",
        tenantId));

    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend").expectError(409, "invalid_state");

    JsonObject active = node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend").expect(200).json();
    assertEquals("active", active.getString("status"));
    assertNull(active.getValue("suspended_at"));
    assertNull(active.getValue("suspend_reason"));

    JsonObject processBack = user.awaitState(process, "running", 30);
    JsonObject noopBack = user.awaitState(noop, "running", 30);
    assertNull(processBack.getValue("suspend_reason"));
    assertNull(noopBack.getValue("suspended_at"));
    assertAllAlive(pids(node.node(), process));
    assertServes(processBack);
    assertEquals("stopped", state(user, stopped));
    JsonObject stillOwn = user.get("/v1/instances/" + ownSuspended).expect(200).json();
    assertEquals("suspended", stillOwn.getString("state"));
    assertEquals("on its own", stillOwn.getString("suspend_reason"));

    node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend").expectError(409, "invalid_state");
    // the instances it suspended and resumed are consequences of one audited call each, not calls of their own
    List<String> operatorCalls = AdminFixtures.allPages(node.admin(), "/v1/admin/audit?tenant_id=" + tenantId
        + "&actor_id=operator", 100).stream().map(e -> e.getString("action") + ":" + e.getString("outcome")).toList();
    assertEquals(List.of("unsuspend:failed", "unsuspend:success", "suspend:failed", "suspend:success",
        "create:success"), operatorCalls);
    assertTrue(AdminFixtures.allPages(node.admin(), "/v1/admin/audit?tenant_id=" + tenantId + "&resource=instance", 100)
        .stream().allMatch(e -> e.getString("actor_id").equals("alice")));
    // the instance suspended on its own is unsuspended on its own
    user.post("/v1/instances/" + ownSuspended + "/unsuspend?wait=20s").expect(200);
  }

  @Test
  void aSuspensionWhileAnInstanceIsStillStartingCatchesItToo() {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    Api user = node.api(node.token(tenantId, "bob"));
    String starting = user.post("/v1/instances", processBody("starting")).expect(201).id();

    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend").expect(200);
    user.awaitState(starting, "suspended", 30);
    assertEquals(List.of(), pids(node.node(), starting));

    node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend").expect(200);
    assertServes(user.awaitState(starting, "running", 30));
  }

  @Test
  void createsRacingASuspensionEitherAreRefusedOrEndSuspended() throws Exception {
    String tenantId = Fixtures.createTenant(node.admin(), "enterprise").getString("id");
    Api user = node.api(node.token(tenantId, "carol"));
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<Api.Response>> creates = new ArrayList<>();
    Api.Response suspension;
    try {
      for (int i = 0; i < 12; i++) {
        String name = "racer " + i;
        creates.add(pool.submit(() -> user.post("/v1/instances", Fixtures.noopInstance(name))));
        if (i == 5) {
          creates.add(pool.submit(() -> node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend")));
        }
      }
      suspension = creates.remove(6).get(60, TimeUnit.SECONDS).expect(200);
      for (Future<Api.Response> create : creates) {
        Api.Response response = create.get(60, TimeUnit.SECONDS);
        if (response.status() == 201) {
          // accepted before the suspension: caught by it
          assertEquals("suspended", user.awaitState(response.id(), "suspended", 30).getString("state"));
        } else {
          response.expectError(403, "forbidden");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals("suspended", suspension.json().getString("status"));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1 AND state <> 'suspended'",
        tenantId));

    node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend").expect(200);
    for (var row : AdminFixtures.rows(node.node(), "SELECT id FROM instances WHERE tenant_id = $1", tenantId)) {
      user.awaitState(row.getString("id"), "running", 30);
    }
  }

  private String processInstance(Api user, String name) {
    String id = user.post("/v1/instances", processBody(name)).expect(201).id();
    user.awaitState(id, "running", 30);
    return id;
  }

  static JsonObject processBody(String name) {
    return new JsonObject().put("name", name).put("image", "hello:1.0").put("provider_name", "process")
        .put("resources", new JsonObject().put("replicas", 2).put("cpu_millis", 100).put("memory_mb", 64));
  }

  private static String state(Api user, String id) {
    return user.get("/v1/instances/" + id).expect(200).json().getString("state");
  }

  /** Every endpoint of the instance answers HTTP. */
  static void assertServes(JsonObject instance) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertTrue(instance.getJsonArray("endpoints").size() > 0, instance::encode);
    for (Object endpoint : instance.getJsonArray("endpoints")) {
      String url = ((JsonObject) endpoint).getString("url");
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
      } catch (Exception e) {
        throw new AssertionError(url + " does not answer: " + e, e);
      }
    }
  }
}
