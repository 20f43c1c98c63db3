package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestImages;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Take-over by heartbeat, with two clustered nodes on one PostgreSQL: when the node that runs an instance stops
 * beating, the scheduler's take-over job moves the instance to the living node, which starts its replicas, and the
 * deployment watchdog there finishes the rolling deploy the dead node was driving. Nobody calls the instance: the
 * cluster heals by itself.
 */
class TakeOverTest {

  private static final String A = "takeover-a";
  private static final String B = "takeover-b";
  private static final Map<String, String> FAST_LIVENESS = Map.of(
      "scheduler.heartbeat_interval", "500ms",
      "scheduler.node_timeout", "5s",
      "scheduler.poll_interval", "50ms");

  private TestCluster cluster;
  private String instanceId;

  @AfterEach
  void stop() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (instanceId != null) {
        Processes.kill(instanceId); // the dead node's replicas too: nobody is left to stop them
      }
    }
  }

  @Test
  void aDeadNodesInstanceMovesToTheLivingNodeWhichFinishesItsRollingDeploy() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(FAST_LIVENESS);
    settings.put("provider.process.images_dir", TestImages.create().toString());
    cluster = TestCluster.start(settings, A, B);
    TestNode a = cluster.node(A);
    String tenant = Fixtures.tenant(a);
    Api api = a.api(a.token(tenant, "alice"));
    instanceId = NodeCommands.send(a, B, tenant, "create", null, Fixtures.processInstance(
        Fixtures.uniqueName("takeover"), TestImages.CTL, Map.of()).put("resources",
        new JsonObject().put("replicas", 2))).getString("id");
    api.awaitState(instanceId, "running", 60);
    assertEquals(B, api.get("/v1/instances/" + instanceId).expect(200).json().getString("node"));

    TestImages.Gate gate = TestImages.gate();
    String deploymentId = api.post("/v1/instances/" + instanceId + "/deploy", new JsonObject()
        .put("env", new JsonObject().put("START_GATE", gate.env()))).expect(201).id();
    Poll.until(() -> Processes.of(instanceId).size() == 3, 60, () -> "node B to start the first new replica");
    cluster.stop(B);
    gate.open();

    JsonObject done = Poll.value(() -> {
      JsonObject d = api.get("/v1/deployments/" + deploymentId).expect(200).json();
      return "succeeded".equals(d.getString("state")) ? Optional.of(d) : Optional.empty();
    }, 90, () -> "node A to take the instance over and finish the deployment");
    JsonObject instance = api.awaitState(instanceId, "running", 30);
    assertEquals(A, instance.getString("node"), instance::encode);
    assertEquals(done.getString("release_id"), instance.getString("current_release_id"), instance::encode);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // The replicas the take-over started may settle a moment after the deployment's last commit: wait for them.
    Poll.until(() -> {
      var endpoints = api.get("/v1/instances/" + instanceId).expect(200).json().getJsonArray("endpoints");
      return endpoints.size() == 2 && endpoints.stream().allMatch(e -> answers(http, (JsonObject) e));
    }, 30, () -> "both endpoints of the instance on node A answer");
  }

  private static boolean answers(HttpClient http, JsonObject endpoint) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.getInteger("port") + "/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
