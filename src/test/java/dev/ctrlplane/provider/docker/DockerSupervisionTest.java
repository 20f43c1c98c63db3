package dev.ctrlplane.provider.docker;

import static dev.ctrlplane.provider.docker.DockerHttp.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ctrlplane supervises containers itself: one killed from outside is replaced (a new container, restarts counted,
 * the endpoint following it); one that keeps dying puts its instance in failed; one that exits before it listens
 * fails the start with its exit code and last stderr line.
 */
class DockerSupervisionTest {

  static PodmanEngine engine;
  static TestNode node;
  static Api user;

  @BeforeAll
  static void start() {
    engine = PodmanEngine.start();
    engine.importImage("localhost/web:1", "one");
    Map<String, String> settings = new HashMap<>(engine.settings());
    settings.put("provider.docker.max_restarts", "2");
    node = TestNode.start(settings);
    user = Fixtures.tenantApi(node);
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        NodeExtension.cleanUpAndClose(node);
      }
    } finally {
      if (engine != null) {
        engine.close();
      }
    }
  }

  @Test
  void aContainerKilledFromOutsideIsReplacedAndItsEndpointFollows() {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("sup", "localhost/web:1", 2))
        .expect(201).id();
    JsonObject running = user.awaitState(id, "running", 60);
    String label = "dev.ctrlplane.instance=" + id;
    List<String> before = engine.running(label);
    assertEquals(2, before.size());

    String victim = engine.running(label + "").stream()
        .filter(c -> engine.podman("inspect", "--format", "{{index .Config.Labels \"dev.ctrlplane.replica\"}}", c)
            .strip().equals("0"))
        .findFirst().orElseThrow();
    engine.podman("kill", victim);

    JsonObject healed = Poll.value(() -> {
      JsonObject now = user.get("/v1/instances/" + id).expect(200).json();
      List<String> running2 = engine.running(label);
      return endpoints(now).size() == 2 && running2.size() == 2 && !running2.contains(victim)
          && !endpoints(now).equals(endpoints(running))
          && endpoints(now).stream().allMatch(url -> DockerHttp.get(url + "/").isPresent())
          ? Optional.of(now) : Optional.empty();
    }, 60, () -> "replica 0 replaced after its container was killed");
    assertEquals("running", healed.getString("state"));
    endpoints(healed).forEach(url -> assertEquals("one", DockerHttp.version(url)));
    assertTrue(engine.running(label).containsAll(before.stream().filter(c -> !c.equals(victim)).toList()),
        "replica 1 was left alone");
    assertEquals(List.of(), engine.all(label).stream().filter(c -> !engine.running(label).contains(c)).toList(),
        "the dead container is removed");
    List<String> restarts = engine.running(label).stream()
        .map(c -> engine.podman("inspect", "--format", "{{index .Config.Labels \"dev.ctrlplane.restarts\"}}", c).strip())
        .sorted().toList();
    assertEquals(List.of("0", "1"), restarts, "the new container of replica 0 counts its restart");
  }

  @Test
  void aReplicaThatKeepsDyingFailsItsInstance() {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("loop", "localhost/web:1", 1))
        .expect(201).id();
    user.awaitState(id, "running", 60);
    String label = "dev.ctrlplane.instance=" + id;
    for (int kill = 0; kill < 3; kill++) {
      String current = Poll.value(() -> engine.running(label).stream().findFirst()
              .filter(c -> "running".equals(user.get("/v1/instances/" + id).json().getString("state"))),
          60, () -> "a running container to kill");
      engine.podman("kill", current);
      Poll.until(() -> !engine.running(label).contains(current), 30, () -> "the killed container to stop");
      if (kill < 2) {
        Poll.until(() -> engine.running(label).stream().anyMatch(c -> !c.equals(current)), 60,
            () -> "the replica restarted");
      }
    }
    JsonObject failed = user.awaitState(id, "failed", 60);
    assertTrue(failed.getString("status_message").contains("crashed 3 times"), failed::encode);
    assertEquals(List.of(), engine.all(label));
  }

  @Test
  void aContainerThatExitsBeforeListeningFailsTheStartWithItsStderr() {
    JsonObject body = DockerLifecycleTest.dockerInstance("bad", "localhost/web:1", 1);
    body.getJsonObject("env").put("FAIL", "no database configured");
    String id = user.post("/v1/instances", body).expect(201).id();
    JsonObject failed = user.awaitState(id, "failed", 60);
    String message = failed.getString("status_message");
    assertTrue(message.contains("exit code 1") && message.contains("no database configured"), message);
    assertEquals(List.of(), engine.all("dev.ctrlplane.instance=" + id));
  }
}
