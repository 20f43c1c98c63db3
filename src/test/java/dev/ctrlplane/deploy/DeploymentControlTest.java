package dev.ctrlplane.deploy;

import static dev.ctrlplane.deploy.DeploymentFixtures.awaitDeployment;
import static dev.ctrlplane.deploy.DeploymentFixtures.awaitReleased;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.TestImages;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deployments that are held in the middle (their new replica waits on a gate file before it listens, image ctl:1.0):
 * one at a time, idempotent, cancellable, blocking lifecycle actions; and canaries and deadlines that fail.
 */
class DeploymentControlTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages(Map.of(
      "deploy.canary_window", "3s", "deploy.health_deadline", "10s", "provider.process.start_timeout", "30s"));

  private static String instance(Api api, int replicas) {
    String id = api.post("/v1/instances", Fixtures.processInstance(Fixtures.uniqueName("Held"), TestImages.CTL,
        Map.of()).put("resources", new JsonObject().put("replicas", replicas))).expect(201).id();
    api.awaitState(id, "running", 60);
    return id;
  }

  private static JsonObject gated(TestImages.Gate gate) {
    return new JsonObject().put("env", new JsonObject().put("START_GATE", gate.env()));
  }

  /** Waits until the deployment's first new replica was started (and waits on its gate). */
  private static void awaitSurge(String id, int replicas) {
    Poll.until(() -> Processes.of(id).size() > replicas, 30, () -> id + " to start its first new replica");
  }

  @Test
  void concurrentDeploysMakeExactlyOneDeploymentAndTheRestAre409() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api, 1);
    TestImages.Gate gate = TestImages.gate();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Api.Response>> deploys = IntStream.range(0, 8).<Callable<Api.Response>>mapToObj(i ->
          () -> api.post("/v1/instances/" + id + "/deploy", gated(gate))).toList();
      List<Api.Response> answers = pool.invokeAll(deploys).stream().map(DeploymentControlTest::get).toList();
      assertEquals(1, answers.stream().filter(r -> r.status() == 201).count(), answers.toString());
      answers.stream().filter(r -> r.status() != 201).forEach(r -> r.expectError(409, "invalid_state"));
      assertEquals(2, api.get("/v1/instances/" + id + "/releases").expect(200).json().getLong("total"));
      gate.open();
      String winner = answers.stream().filter(r -> r.status() == 201).findFirst().orElseThrow().id();
      awaitDeployment(api, winner, "succeeded", 60);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSameIdempotencyKeyAndBodyFindTheSameDeploymentAndAnotherBodyIs422() {
    Api api = node.tenantApi();
    String id = instance(api, 1);
    TestImages.Gate gate = TestImages.gate();
    Api keyed = api.with("Idempotency-Key", "deploy-" + id);

    JsonObject first = keyed.post("/v1/instances/" + id + "/deploy", gated(gate)).expect(201).json();
    JsonObject again = keyed.post("/v1/instances/" + id + "/deploy", gated(gate)).expect(201).json();

    assertEquals(first.getString("id"), again.getString("id"));
    keyed.post("/v1/instances/" + id + "/deploy", gated(gate).put("notes", "other")).expectError(422, "unprocessable");
    assertEquals(1, api.get("/v1/instances/" + id + "/deployments").expect(200).json().getLong("total"));
    gate.open();
    awaitDeployment(api, first.getString("id"), "succeeded", 60);
    JsonObject replay = keyed.post("/v1/instances/" + id + "/deploy", gated(gate)).expect(201).json();
    assertEquals(first.getString("id"), replay.getString("id"));
    assertEquals("succeeded", replay.getString("state"));
    assertEquals(2, api.get("/v1/instances/" + id + "/releases").expect(200).json().getLong("total"));
  }

  @Test
  void lifecycleActionsWaitForTheDeploymentAndCancelRestoresThePreviousRelease() {
    Api api = node.tenantApi();
    String id = instance(api, 2);
    List<Long> old = Processes.of(id);
    TestImages.Gate gate = TestImages.gate();
    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", gated(gate)).expect(201).json();
    awaitSurge(id, 2);

    JsonObject held = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals(deployment.getString("id"), held.getString("deployment_id"));
    assertEquals("running", held.getString("state"));
    for (String action : List.of("stop", "restart", "suspend")) {
      api.post("/v1/instances/" + id + "/" + action).expectError(409, "invalid_state");
    }
    api.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources", new JsonObject().put("replicas", 3)))
        .expectError(409, "invalid_state");
    api.post("/v1/instances/" + id + "/deploy", new JsonObject()).expectError(409, "invalid_state");
    assertTrue(node.admin().get("/v1/admin/stats").expect(200).json().getJsonObject("deployments")
        .getLong("running") >= 1);

    try (EventTap rolledBack = EventTap.on(node.node(), "ctrlplane.events.deploy.rolled_back")) {
      JsonObject cancelled = api.post("/v1/deployments/" + deployment.getString("id") + "/cancel").expect(200).json();
      assertEquals("cancelled", cancelled.getString("state"));
      api.post("/v1/deployments/" + deployment.getString("id") + "/cancel").expectError(409, "invalid_state");
      rolledBack.next(e -> deployment.getString("id").equals(e.getString("resource_id")), 60);
    }
    JsonObject ended = awaitReleased(api, deployment.getString("id"), id, 30);
    assertEquals("cancelled", ended.getString("state"));
    assertEquals(old, Processes.of(id), "the new replica is gone and the old ones never stopped");
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals(deployment.getString("previous_release_id"), instance.getString("current_release_id"));
    assertEquals(2, instance.getJsonArray("endpoints").size());
    assertEquals("stopped", api.post("/v1/instances/" + id + "/stop?wait=20s").expect(200).json().getString("state"));
  }

  @Test
  void aCanaryThatTurnsBadDuringItsWindowAbortsTheDeployment() {
    Api api = node.tenantApi();
    String id = instance(api, 2);
    List<Long> old = Processes.of(id);

    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("strategy", "canary")
        .put("env", new JsonObject().put("DIE_AFTER", "1"))).expect(201).json();
    JsonObject ended = awaitReleased(api, deployment.getString("id"), id, 60);

    assertEquals("rolled_back", ended.getString("state"), () -> ended.encode() + " / "
        + api.get("/v1/instances/" + id).body());
    assertTrue(ended.getString("error").contains("canary"), ended.getString("error"));
    assertEquals(old, Processes.of(id));
    assertEquals("running", api.get("/v1/instances/" + id).expect(200).json().getString("state"));
  }

  @Test
  void aNewReplicaThatNeverBecomesHealthyFailsTheDeploymentAtItsHealthDeadline() {
    Api api = node.tenantApi();
    String id = instance(api, 1);
    List<Long> old = Processes.of(id);

    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", gated(TestImages.gate())).expect(201).json();
    JsonObject ended = awaitReleased(api, deployment.getString("id"), id, 90);

    assertEquals("rolled_back", ended.getString("state"));
    assertTrue(ended.getString("error").contains("did not come up within 10s"), ended.getString("error"));
    assertEquals(old, Processes.of(id));
  }

  @Test
  void deletingTheInstanceInTheMiddleEndsItsDeploymentAndLeavesNothingRunning() {
    Api api = node.tenantApi();
    String id = instance(api, 1);
    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", gated(TestImages.gate())).expect(201).json();
    awaitSurge(id, 1);

    api.delete("/v1/instances/" + id + "?wait=30s").expect(204);

    api.get("/v1/deployments/" + deployment.getString("id")).expectError(404, "not_found");
    Poll.until(() -> Processes.of(id).isEmpty(), 30, () -> "every replica of " + id + " to stop");
  }

  @Test
  void suspendingTheTenantInTheMiddleAbandonsTheDeploymentAndResumesOnThePreviousRelease() {
    String tenant = node.tenant();
    Api api = node.api(node.token(tenant, "alice"));
    String id = instance(api, 1);
    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", gated(TestImages.gate())).expect(201).json();
    awaitSurge(id, 1);

    node.admin().post("/v1/admin/tenants/" + tenant + "/suspend", new JsonObject()).expect(200);
    JsonObject ended = awaitDeployment(api, deployment.getString("id"), "failed", 30);
    api.awaitState(id, "suspended", 30);
    node.admin().post("/v1/admin/tenants/" + tenant + "/unsuspend", new JsonObject()).expect(200);
    JsonObject resumed = api.awaitState(id, "running", 60);

    assertTrue(ended.getString("error").contains("abandoned"), ended.getString("error"));
    assertEquals(deployment.getString("previous_release_id"), resumed.getString("current_release_id"));
    assertEquals(null, resumed.getValue("deployment_id"));
    assertEquals(1, Processes.of(id).size());
  }

  private static Api.Response get(Future<Api.Response> answer) {
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
