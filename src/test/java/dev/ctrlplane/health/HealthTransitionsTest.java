package dev.ctrlplane.health;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.health.HealthApiTest.check;
import static dev.ctrlplane.health.HealthApiTest.checks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Status transitions: {@code retries} failures in a row before unhealthy, events on transitions only, degraded when
 * replicas disagree, per-replica health on {@link ReplicaHealth#ADDRESS}, and deployments gated on the checks. The
 * operator here allows 127.0.0.1 (for a test server whose answer the test sets) and command checks.
 */
class HealthTransitionsTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages(Map.of("health.allowed_targets", "127.0.0.1",
      "health.command.enabled", "true", "deploy.health_deadline", "4s"));

  private static final AtomicInteger status = new AtomicInteger(200);
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void server() {
    vertx = Vertx.vertx();
    port = Futures.await(vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(status.get())
        .end()).listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void close() {
    Futures.await(vertx.close());
  }

  private static JsonObject run(Api api, String checkId) {
    return api.post("/v1/health/checks/" + checkId + "/run").expect(200).json();
  }

  private static String checkStatus(Api api, String instanceId) {
    return api.get("/v1/instances/" + instanceId + "/health").expect(200).json().getJsonArray("checks")
        .getJsonObject(0).getString("status");
  }

  @Test
  void retriesFailuresInARowTurnACheckUnhealthyAndOnlyTransitionsAreEvents() {
    Api user = node.tenantApi();
    String id = user.post("/v1/instances", Fixtures.noopInstance("web")
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)))).expect(201).id();
    user.awaitState(id, "running", 30);
    String checkId = user.post(checks(id), check("upstream", "http", "http://127.0.0.1:" + port + "/")
        .put("retries", 2)).expect(201).id();
    try (EventTap replicas = EventTap.on(node.node(), ReplicaHealth.ADDRESS);
        EventTap failed = EventTap.on(node.node(), EventType.HEALTH_FAILED.address());
        EventTap recovered = EventTap.on(node.node(), EventType.HEALTH_RECOVERED.address())) {
      status.set(200);
      assertEquals("healthy", run(user, checkId).getString("status"));
      JsonObject up = replicas.next(m -> id.equals(m.getString("instance_id")), 10);
      assertEquals(true, up.getBoolean("healthy"));
      assertEquals(0, up.getInteger("index"));
      assertTrue(up.containsKey("release_id") && up.containsKey("endpoint"), up.encode());

      status.set(500);
      assertEquals("unhealthy", run(user, checkId).getString("status"));
      assertEquals("healthy", checkStatus(user, id), "one failure of retries 2 is not unhealthy yet");
      assertEquals("unhealthy", run(user, checkId).getString("status"));
      assertEquals("unhealthy", checkStatus(user, id));
      JsonObject event = failed.nextFor(id, 10);
      assertEquals(checkId, event.getString("resource_id"));
      assertEquals("healthy", event.getJsonObject("data").getString("from"));
      assertEquals("unhealthy", event.getJsonObject("data").getString("to"));
      assertEquals(2, event.getJsonObject("data").getInteger("consecutive_failures"));
      assertEquals(false, replicas.next(m -> id.equals(m.getString("instance_id")), 10).getBoolean("healthy"));
      run(user, checkId); // still failing: no new event

      status.set(200);
      assertEquals("healthy", run(user, checkId).getString("status"));
      JsonObject back = recovered.nextFor(id, 10);
      assertEquals("unhealthy", back.getJsonObject("data").getString("from"));
      assertEquals(true, replicas.next(m -> id.equals(m.getString("instance_id")), 10).getBoolean("healthy"));
      assertEquals(2, count(node.node(), "SELECT count(*) FROM events WHERE instance_id = $1 AND type IN "
          + "('health.failed', 'health.degraded', 'health.recovered')", id), "one event per transition");
      assertEquals(5, count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId));
    }
    List<ReplicaHealth.Status> latest =
        Futures.await(new ReplicaHealth(node.plane().vertx(), new HealthStore(node.plane().pool())).of(id));
    assertEquals(1, latest.size());
    assertTrue(latest.get(0).healthy());
  }

  @Test
  void replicasThatDisagreeMakeTheCheckDegraded() {
    Api user = node.tenantApi();
    String id = user.post("/v1/instances", Fixtures.processInstance("web", "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", 2))).expect(201).id();
    user.awaitState(id, "running", 60);
    try (EventTap degraded = EventTap.on(node.node(), EventType.HEALTH_DEGRADED.address())) {
      String checkId = user.post(checks(id), check("first only", "command", "test \"$CTRLPLANE_REPLICA\" = 0"))
          .expect(201).id();
      JsonObject result = run(user, checkId);
      assertEquals("unhealthy", result.getString("status"), "the worst replica's result");
      assertEquals(2, result.getJsonArray("results").size());
      assertEquals("degraded", checkStatus(user, id));
      assertEquals("degraded", user.get("/v1/instances/" + id + "/health").expect(200).json().getString("status"));
      assertEquals("degraded", degraded.nextFor(id, 10).getJsonObject("data").getString("to"));
    }
  }

  @Test
  void aDeploymentWhoseNewReplicasFailTheirChecksFailsAndTheOldReleaseKeepsServing() {
    Api user = node.tenantApi();
    String id = user.post("/v1/instances", Fixtures.processInstance("web", "hello:1.0", Map.of())).expect(201).id();
    user.awaitState(id, "running", 60);
    String before = user.get("/v1/instances/" + id).expect(200).json().getString("current_release_id");
    user.post(checks(id), check("healthz", "http", "/healthz")).expect(201);

    // the new release listens (a connect gate would pass it) but answers /healthz with 503
    String deployment = user.post("/v1/instances/" + id + "/deploy", new JsonObject()
        .put("env", new JsonObject().put("HEALTHZ_FAIL", "1"))).expect(201).id();
    JsonObject ended = awaitEnded(user, deployment, id);
    assertTrue(List.of("failed", "rolled_back").contains(ended.getString("state")), ended.encode());
    assertTrue(ended.getString("error").contains("healthz") && ended.getString("error").contains("503"),
        ended.getString("error"));
    JsonObject now = user.get("/v1/instances/" + id).expect(200).json();
    assertEquals(before, now.getString("current_release_id"), "the old release is still the current one");
    assertEquals("running", now.getString("state"));

    // the same instance with a passing release: the gate lets it through
    String good = user.post("/v1/instances/" + id + "/deploy", new JsonObject()
        .put("env", new JsonObject().put("GREETING", "hey"))).expect(201).id();
    assertEquals("succeeded", awaitEnded(user, good, id).getString("state"));
  }

  private static JsonObject awaitEnded(Api api, String deploymentId, String instanceId) {
    JsonObject[] last = new JsonObject[1];
    return Poll.value(() -> {
      JsonObject instance = api.get("/v1/instances/" + instanceId).expect(200).json();
      last[0] = api.get("/v1/deployments/" + deploymentId).expect(200).json();
      boolean done = List.of("succeeded", "failed", "cancelled", "rolled_back").contains(last[0].getString("state"))
          && instance.getValue("deployment_id") == null && !"starting".equals(instance.getString("state"));
      return done ? Optional.of(last[0]) : Optional.empty();
    }, 90, () -> "deployment " + deploymentId + " to end; last seen " + last[0]);
  }
}
