package dev.ctrlplane.deploy;

import static dev.ctrlplane.deploy.DeploymentFixtures.awaitDeployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.ServeProcess;
import dev.ctrlplane.support.TestImages;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment survives a SIGKILL of its control plane: {@code ctrlplane serve} in a JVM of its own is killed in the
 * middle of a rolling deploy (its first new replica still starting); started again on the same data dir, it picks
 * the deployment up where it stood, finishes it, and no replica is left behind or runs twice.
 */
class DeploymentCrashTest {

  private final ServeProcess server = new ServeProcess("deploy-crash-node", TestImages.create());
  private String instanceId;

  @AfterEach
  void stopEverything() throws IOException {
    try {
      server.stop();
    } finally {
      if (instanceId != null) {
        Processes.kill(instanceId);
      }
    }
  }

  @Test
  void aRollingDeployKilledMidwayIsFinishedAfterTheRestartWithNoReplicaLeftOrDoubled() throws Exception {
    Api admin = server.start();
    String tenantId = Fixtures.createTenant(admin, "enterprise").getString("id");
    String userToken = server.token(new JsonObject().put("sub", "alice").put("tenant_id", tenantId));
    Api user = admin.as(userToken);
    instanceId = user.post("/v1/instances", Fixtures.processInstance("crash deploy", TestImages.CTL, Map.of())
        .put("resources", new JsonObject().put("replicas", 3))).expect(201).id();
    user.awaitState(instanceId, "running", 90);
    List<Long> old = Processes.of(instanceId);
    TestImages.Gate gate = TestImages.gate();

    String deploymentId = user.post("/v1/instances/" + instanceId + "/deploy", new JsonObject()
        .put("env", new JsonObject().put("START_GATE", gate.env()))).expect(201).id();
    Poll.until(() -> Processes.of(instanceId).size() == 4, 60, () -> "the first new replica to start");
    server.kill();

    user = server.start().as(userToken);
    gate.open();
    JsonObject done = awaitDeployment(user, deploymentId, "succeeded", 120);

    assertEquals(new JsonObject().put("total", 3).put("updated", 3).put("healthy", 3), done.getJsonObject("progress"));
    JsonObject instance = user.get("/v1/instances/" + instanceId).expect(200).json();
    assertEquals(done.getString("release_id"), instance.getString("current_release_id"));
    List<Long> now = Processes.of(instanceId);
    assertEquals(3, now.size(), "exactly three replicas run: " + now);
    assertTrue(now.stream().noneMatch(old::contains), "every old replica was stopped: " + old + " / " + now);
    assertEquals(3, instance.getJsonArray("endpoints").size(), instance.encode());
  }
}
