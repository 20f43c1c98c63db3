package dev.ctrlplane.health;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health-check API (SPEC §6) with the default settings: create, list, delete, validation naming the field, 409
 * per name, 404 across tenants, audit entries, targets refused outside the instance's own replicas, and real runs
 * against real replicas with the aggregate.
 */
class HealthApiTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages();

  static JsonObject check(String name, String type, String target) {
    return new JsonObject().put("name", name).put("type", type).put("target", target);
  }

  static String checks(String instanceId) {
    return "/v1/instances/" + instanceId + "/health/checks";
  }

  @Test
  void createListDeleteWithDefaultsAudit() {
    Api user = node.tenantApi();
    String id = Fixtures.runningNoop(user, "web");
    assertEquals(new JsonArray(), user.get(checks(id)).expect(200).array(), "no checks is []");

    JsonObject created = user.post(checks(id), check("http", "http", "/healthz")).expect(201).json();
    assertTrue(created.getString("id").startsWith("chk_"));
    assertEquals(Set.of("id", "tenant_id", "instance_id", "name", "type", "target", "interval", "timeout", "retries",
        "enabled", "created_at", "updated_at"), created.fieldNames());
    assertEquals("30s", created.getString("interval"));
    assertEquals("5s", created.getString("timeout"));
    assertEquals(3, created.getInteger("retries"));
    assertEquals(true, created.getBoolean("enabled"));
    assertEquals(id, created.getString("instance_id"));

    JsonObject tcp = user.post(checks(id), check("tcp", "tcp", ":8080").put("interval", 2000).put("retries", 0))
        .expect(201).json();
    assertEquals("2s", tcp.getString("interval"));
    assertEquals("1s", tcp.getString("timeout"), "a short interval's default timeout is half of it");
    assertEquals(0, tcp.getInteger("retries"));

    user.post(checks(id), check("http", "tcp", ":1234")).expectError(409, "already_exists");
    JsonArray listed = user.get(checks(id)).expect(200).array();
    assertEquals(2, listed.size());
    assertEquals("http", listed.getJsonObject(0).getString("name"), "oldest first");

    user.delete("/v1/health/checks/" + created.getString("id")).expect(204);
    user.delete("/v1/health/checks/" + created.getString("id")).expectError(404, "not_found");
    user.delete("/v1/health/checks/not-an-id").expectError(404, "not_found");
    user.delete("/v1/health/checks/inst_01jaaaaaaaaaaaaaaaaaaaaaaa").expectError(404, "not_found");
    assertEquals(1, user.get(checks(id)).expect(200).array().size());
    assertEquals(1, count(node.node(), "SELECT count(*) FROM audit_log WHERE resource_id = $1 AND action = 'create'",
        created.getString("id")));
    assertEquals(1, count(node.node(), "SELECT count(*) FROM audit_log WHERE resource_id = $1 AND action = 'delete'",
        created.getString("id")));
  }

  @Test
  void anotherTenantsInstanceAndCheckAre404() {
    Api alice = node.tenantApi();
    Api bob = node.tenantApi();
    String id = Fixtures.runningNoop(alice, "web");
    String checkId = alice.post(checks(id), check("c", "tcp", ":80")).expect(201).id();
    bob.get(checks(id)).expectError(404, "not_found");
    bob.post(checks(id), check("c2", "tcp", ":80")).expectError(404, "not_found");
    bob.get("/v1/instances/" + id + "/health").expectError(404, "not_found");
    bob.delete("/v1/health/checks/" + checkId).expectError(404, "not_found");
    bob.post("/v1/health/checks/" + checkId + "/run").expectError(404, "not_found");
    assertEquals(1, alice.get(checks(id)).expect(200).array().size());
    node.admin().get(checks(id)).expect(200);
  }

  @Test
  void validationNamesTheField() {
    Api user = node.tenantApi();
    String id = Fixtures.runningNoop(user, "web");
    Map<String, JsonObject> bad = Map.ofEntries(
        Map.entry("name", new JsonObject().put("type", "http").put("target", "/")),
        Map.entry("type", check("a", "ping", "/")),
        Map.entry("target", new JsonObject().put("name", "a").put("type", "http")),
        Map.entry("interval", check("a", "http", "/").put("interval", "500ms")),
        Map.entry("timeout", check("a", "http", "/").put("interval", "10s").put("timeout", "10s")),
        Map.entry("retries", check("a", "http", "/").put("retries", 11)),
        Map.entry("enabled", check("a", "http", "/").put("enabled", "yes")));
    bad.forEach((field, body) -> {
      String message = user.post(checks(id), body).expectError(400, "invalid_argument").json().getString("message");
      assertTrue(message.startsWith(field + ":"), field + " -> " + message);
    });
    String duration = user.post(checks(id), check("a", "http", "/").put("interval", "soon"))
        .expectError(400, "invalid_argument").json().getString("message");
    assertTrue(duration.startsWith("interval:"), duration);
    user.post(checks(id), check("a", "http", "/").put("retries", -1)).expectError(400, "invalid_argument");
    String command = user.post(checks(id), check("a", "command", "true")).expectError(400, "invalid_argument")
        .json().getString("message");
    assertTrue(command.startsWith("type:") && command.contains("health.command.enabled"), command);
    assertEquals(new JsonArray(), user.get(checks(id)).expect(200).array());
  }

  @Test
  void targetsOutsideTheInstancesOwnReplicasAreRefused() throws Exception {
    Api user = node.tenantApi();
    String id = user.post("/v1/instances", Fixtures.noopInstance("web")
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)))).expect(201).id();
    int controlPlane = node.node().port();
    String loopbackName = loopbackName();
    Map<String, JsonObject> refused = Map.of(
        "control plane metrics", check("a", "http", "http://localhost:" + controlPlane + "/metrics"),
        "control plane by IP", check("a", "http", "http://127.0.0.1:" + controlPlane + "/metrics"),
        "a name resolving to loopback", check("a", "http", "http://" + loopbackName + ":8080/healthz"),
        "link-local metadata", check("a", "http", "http://169.254.169.254/latest/meta-data/"),
        "another port on localhost", check("a", "tcp", "localhost:5432"),
        "another port", check("a", "tcp", ":5432"),
        "another host", check("a", "grpc", "db.internal:5432"),
        "not http", check("a", "http", "ftp://localhost:8080/"),
        "user info", check("a", "http", "http://x@localhost:8080/"));
    refused.forEach((what, body) -> {
      String message = user.post(checks(id), body).expectError(400, "invalid_argument").json().getString("message");
      assertTrue(message.startsWith("target:"), what + " -> " + message);
    });
    user.post(checks(id), check("own url", "http", "http://localhost:8080/healthz")).expect(201);
    user.post(checks(id), check("own port", "tcp", ":8080")).expect(201);
    user.post(checks(id), check("own grpc", "grpc", "localhost:8080")).expect(201);
    user.post(checks(id), check("own path", "http", "/healthz?deep=1")).expect(201);
  }

  /** A name other than localhost that resolves to the loopback (this machine's own name, commonly). */
  private static String loopbackName() throws Exception {
    String host = InetAddress.getLocalHost().getHostName();
    return InetAddress.getByName(host).isLoopbackAddress() ? host : "localhost.localdomain";
  }

  @Test
  void aManualRunProbesEveryReplicaAndTheAggregateFollows() {
    Api user = node.tenantApi();
    JsonObject body = Fixtures.processInstance("web", "hello:1.0", Map.of())
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)))
        .put("resources", new JsonObject().put("replicas", 2));
    String id = user.post("/v1/instances", body).expect(201).id();
    user.awaitState(id, "running", 60);
    JsonObject unknown = user.get("/v1/instances/" + id + "/health").expect(200).json();
    assertEquals("unknown", unknown.getString("status"), "no checks");
    assertNull(unknown.getValue("uptime_percent"));

    String ok = user.post(checks(id), check("ok", "http", "http://localhost:8080/healthz")).expect(201).id();
    String missing = user.post(checks(id), check("missing", "http", "/missing")).expect(201).id();
    assertEquals("unknown", user.get("/v1/instances/" + id + "/health").expect(200).json().getString("status"),
        "no results yet");

    JsonObject passed = user.post("/v1/health/checks/" + ok + "/run").expect(200).json();
    assertEquals("healthy", passed.getString("status"));
    assertEquals(200, passed.getInteger("status_code"));
    assertTrue(passed.getString("id").startsWith("hres_"));
    assertEquals(2, passed.getJsonArray("results").size(), "one result per replica");
    assertEquals(Set.of(0, 1), Set.copyOf(passed.getJsonArray("results").stream()
        .map(r -> ((JsonObject) r).getInteger("replica")).toList()));
    assertEquals("healthy", user.get("/v1/instances/" + id + "/health").expect(200).json().getString("status"));

    JsonObject failed = user.post("/v1/health/checks/" + missing + "/run").expect(200).json();
    assertEquals("unhealthy", failed.getString("status"), "a failing probe is a 200 with unhealthy");
    assertEquals(404, failed.getInteger("status_code"));

    JsonObject health = user.get("/v1/instances/" + id + "/health").expect(200).json();
    assertEquals("degraded", health.getString("status"), "one check healthy, one unhealthy");
    assertEquals(50.0, health.getDouble("uptime_percent"), "2 of 4 results healthy");
    assertNotNull(health.getString("last_checked"));
    JsonObject missingCheck = health.getJsonArray("checks").getJsonObject(1);
    assertEquals("missing", missingCheck.getString("name"));
    assertEquals("unhealthy", missingCheck.getString("status"), "a replica that never passed is not healthy");
    assertEquals(1, missingCheck.getInteger("consecutive_failures"));
    assertEquals(missing, missingCheck.getJsonObject("last_result").getString("check_id"));
    assertEquals(2, missingCheck.getJsonArray("replicas").size());
    assertTrue(node.admin().get("/v1/admin/stats").expect(200).json().getJsonObject("health")
        .getLong("degraded") >= 1, "the operator's stats count it");

    user.post("/v1/instances/" + id + "/stop?wait=30s").expect(200);
    user.post("/v1/health/checks/" + ok + "/run").expectError(409, "invalid_state");

    user.delete("/v1/instances/" + id).expect(202);
    user.awaitGone(id, 30);
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_checks WHERE instance_id = $1", id));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_results WHERE instance_id = $1", id));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_replicas WHERE instance_id = $1", id));
  }
}
