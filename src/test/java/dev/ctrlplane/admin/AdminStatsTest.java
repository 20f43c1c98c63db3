package dev.ctrlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/admin/stats} and {@code /providers} count what exists, on a store of this class's own. */
class AdminStatsTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void statsAndProvidersCountWhatWasCreatedAndFollowChanges() {
    JsonObject empty = node.admin().get("/v1/admin/stats").expect(200).json();
    assertEquals(tenants(0, 0, 0), empty.getJsonObject("tenants"));
    assertEquals(new JsonObject().put("total", 0).put("by_state", new JsonObject()), empty.getJsonObject("instances"));

    String a = Fixtures.createTenant(node.admin(), "pro").getString("id");
    String b = Fixtures.createTenant(node.admin(), "free").getString("id");
    Fixtures.createTenant(node.admin(), "enterprise");
    String d = Fixtures.createTenant(node.admin(), "free").getString("id");
    Api userA = node.api(node.token(a, "alice"));
    Api userB = node.api(node.token(b, "bob"));
    Api userD = node.api(node.token(d, "dora"));
    Fixtures.runningNoop(userA, "running");
    String stopped = Fixtures.stoppedNoop(userA, "stopped");
    String process = userA.post("/v1/instances", new JsonObject().put("name", "process").put("image", "hello:1.0")
        .put("provider_name", "process")).expect(201).id();
    userA.awaitState(process, "running", 30);
    userA.post("/v1/instances/" + process + "/stop?wait=30s").expect(200);
    String withTenant = Fixtures.runningNoop(userB, "web");
    node.admin().post("/v1/admin/tenants/" + b + "/suspend").expect(200);
    userB.awaitState(withTenant, "suspended", 30);
    String alone = Fixtures.runningNoop(userD, "web");
    userD.post("/v1/instances/" + alone + "/suspend?wait=20s").expect(200);

    JsonObject stats = node.admin().get("/v1/admin/stats").expect(200).json();
    assertEquals(tenants(4, 3, 1), stats.getJsonObject("tenants"));
    assertEquals(instances(5, Map.of("running", 1, "stopped", 2, "suspended", 2)), stats.getJsonObject("instances"));
    assertEquals(new JsonObject().put("total", 2).put("healthy", 2), stats.getJsonObject("providers"));
    assertEquals(new JsonObject().put("nodes", 1).put("clustered", false), stats.getJsonObject("cluster"));
    assertEquals(0, stats.getJsonObject("deployments").getInteger("running"));
    JsonObject health = stats.getJsonObject("health");
    assertEquals(5, health.getInteger("healthy") + health.getInteger("degraded") + health.getInteger("unhealthy")
        + health.getInteger("unknown"), health::encode);

    assertEquals(new JsonArray()
            .add(provider("process", true, "ok", new JsonArray().add("replicas").add("logs").add("env").add("adopt"), 1))
            .add(provider("noop", true, "ok", new JsonArray().add("replicas"), 4)),
        node.admin().get("/v1/admin/providers").expect(200).array());

    userA.delete("/v1/instances/" + stopped + "?wait=20s").expect(204);
    node.admin().post("/v1/admin/tenants/" + b + "/unsuspend").expect(200);
    userB.awaitState(withTenant, "running", 30);
    node.admin().delete("/v1/admin/tenants/" + Fixtures.createTenant(node.admin(), "free").getString("id")).expect(204);

    JsonObject after = node.admin().get("/v1/admin/stats").expect(200).json();
    assertEquals(tenants(4, 4, 0), after.getJsonObject("tenants"));
    assertEquals(instances(4, Map.of("running", 2, "stopped", 1, "suspended", 1)), after.getJsonObject("instances"));
    JsonArray providers = node.admin().get("/v1/admin/providers").expect(200).array();
    assertEquals(1, providers.getJsonObject(0).getInteger("instances"));
    assertEquals(3, providers.getJsonObject(1).getInteger("instances"));
  }

  @Test
  void aProviderThatCannotWorkIsReportedUnhealthyWithTheReason() {
    try (TestNode broken = TestNode.start(Map.of("provider.process.images_dir", "/nonexistent/ctrlplane-images"))) {
      Api operator = broken.api(broken.adminToken());
      JsonObject process = operator.get("/v1/admin/providers").expect(200).array().getJsonObject(0);
      assertEquals("process", process.getString("name"));
      assertFalse(process.getBoolean("healthy"));
      assertTrue(process.getString("message").contains("/nonexistent/ctrlplane-images"), process::encode);
      assertEquals(new JsonObject().put("total", 2).put("healthy", 1),
          operator.get("/v1/admin/stats").expect(200).json().getJsonObject("providers"));
    }
  }

  private static JsonObject tenants(int total, int active, int suspended) {
    return new JsonObject().put("total", total).put("active", active).put("suspended", suspended);
  }

  private static JsonObject instances(int total, Map<String, Integer> byState) {
    JsonObject states = new JsonObject();
    byState.forEach(states::put);
    return new JsonObject().put("total", total).put("by_state", states);
  }

  private static JsonObject provider(String name, boolean healthy, String message, JsonArray capabilities,
      int instances) {
    return new JsonObject().put("name", name).put("healthy", healthy).put("message", message)
        .put("capabilities", capabilities).put("instances", instances);
  }
}
