package dev.ctrlplane.health;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.health.HealthApiTest.check;
import static dev.ctrlplane.health.HealthApiTest.checks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checks run on the scheduler: each enabled check is a {@code health.check} item, run at its interval with its due
 * time stored, its item gone with the check or the instance; a disabled check is never scheduled; old results are
 * pruned by {@code retention.health_results}.
 */
class HealthScheduleTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("health.allowed_targets", "127.0.0.1",
      "scheduler.poll_interval", "100ms", "health.retention", "1m"));

  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void server() {
    vertx = Vertx.vertx();
    port = Futures.await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void close() {
    Futures.await(vertx.close());
  }

  private static String instance(Api user) {
    String id = user.post("/v1/instances", Fixtures.noopInstance("web")
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080)))).expect(201).id();
    user.awaitState(id, "running", 30);
    return id;
  }

  private static JsonObject upstream(String name) {
    return check(name, "http", "http://127.0.0.1:" + port + "/").put("interval", "1s");
  }

  @Test
  void anEnabledCheckRunsAtItsIntervalUntilItIsDeleted() {
    Api user = node.tenantApi();
    String id = instance(user);
    String checkId = user.post(checks(id), upstream("up")).expect(201).id();
    String disabled = user.post(checks(id), upstream("off").put("enabled", false)).expect(201).id();
    assertEquals(1, count(node.node(), "SELECT count(*) FROM schedule_items WHERE kind = 'health.check' AND key = $1",
        checkId));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM schedule_items WHERE key = $1", disabled));

    Poll.until(() -> count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId) >= 3,
        15, () -> "three scheduled runs");
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1 AND due_at IS NULL",
        checkId), "every scheduled result says which due time it ran for");
    assertEquals(count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId),
        count(node.node(), "SELECT count(DISTINCT due_at) FROM health_results WHERE check_id = $1", checkId),
        "no due time twice");
    JsonObject health = user.get("/v1/instances/" + id + "/health").expect(200).json();
    assertEquals("healthy", health.getString("status"));
    assertEquals(100.0, health.getDouble("uptime_percent"));

    user.delete("/v1/health/checks/" + checkId).expect(204);
    assertEquals(0, count(node.node(), "SELECT count(*) FROM schedule_items WHERE key = $1", checkId));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId));
  }

  @Test
  void deletingTheInstanceTakesItsChecksAndTheirItems() {
    Api user = node.tenantApi();
    String id = instance(user);
    String checkId = user.post(checks(id), upstream("up")).expect(201).id();
    Poll.until(() -> count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId) >= 1,
        15, () -> "a scheduled run");
    user.delete("/v1/instances/" + id).expect(202);
    user.awaitGone(id, 30);
    assertEquals(0, count(node.node(), "SELECT count(*) FROM schedule_items WHERE instance_id = $1", id));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_checks WHERE instance_id = $1", id));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM health_results WHERE instance_id = $1", id));
  }

  @Test
  void resultsOlderThanTheRetentionArePruned() {
    Api user = node.tenantApi();
    String id = instance(user);
    String checkId = user.post(checks(id), upstream("up").put("interval", "1h")).expect(201).id();
    user.post("/v1/health/checks/" + checkId + "/run").expect(200);
    dev.ctrlplane.admin.AdminFixtures.rows(node.node(),
        "UPDATE health_results SET checked_at = now() - interval '2 minutes' WHERE check_id = $1", checkId);
    assertTrue(count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId) == 1);
    Poll.until(() -> count(node.node(), "SELECT count(*) FROM health_results WHERE check_id = $1", checkId) == 0,
        20, () -> "the old result to be pruned (health.retention 1m)");
  }
}
