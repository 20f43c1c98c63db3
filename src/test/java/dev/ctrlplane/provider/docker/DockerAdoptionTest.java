package dev.ctrlplane.provider.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.ServeProcess;
import dev.ctrlplane.support.TestImages;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After a SIGKILL of {@code ctrlplane serve} (a JVM of its own), its containers run on; started again, it adopts
 * them by label (the same containers, none doubled), removes the ones nobody wants (an exited one, one of an
 * instance it does not know), and replaces the replica whose container died meanwhile.
 */
class DockerAdoptionTest {

  private static final String NODE = "docker-adopt-node";
  private PodmanEngine engine;
  private ServeProcess server;

  @BeforeEach
  void start() {
    engine = PodmanEngine.start();
    engine.importImage("localhost/web:1", "one");
    Map<String, String> settings = new HashMap<>(engine.settings());
    server = new ServeProcess(NODE, TestImages.create(), settings);
  }

  @AfterEach
  void stop() throws IOException {
    try {
      server.stop();
    } finally {
      engine.close();
    }
  }

  @Test
  void containersLeftByAKilledControlPlaneAreAdoptedNeverDoubledAndStrangersRemoved() throws Exception {
    Api admin = server.start();
    String tenantId = Fixtures.createTenant(admin, "enterprise").getString("id");
    String userToken = server.token(new JsonObject().put("sub", "alice").put("tenant_id", tenantId));
    Api user = admin.as(userToken);
    String kept = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("kept", "localhost/web:1", 2))
        .expect(201).id();
    String hurt = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("hurt", "localhost/web:1", 1))
        .expect(201).id();
    user.awaitState(kept, "running", 90);
    user.awaitState(hurt, "running", 90);
    List<String> keptContainers = engine.running("dev.ctrlplane.instance=" + kept);
    List<String> hurtContainers = engine.running("dev.ctrlplane.instance=" + hurt);
    assertEquals(2, keptContainers.size());

    server.kill();
    // while no control plane runs: a container dies, and a stranger with this node's labels appears
    engine.podman("kill", hurtContainers.get(0));
    engine.podman("run", "-d", "--name", "stranger", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
        "--label", "dev.ctrlplane.managed=true", "--label", "dev.ctrlplane.node=" + NODE,
        "--label", "dev.ctrlplane.instance=ghost", "--label", "dev.ctrlplane.replica=0",
        "-e", "PORT=8080", "localhost/web:1");
    assertEquals(2, engine.running("dev.ctrlplane.instance=" + kept).size(), "containers outlive the plane");

    user = server.start().as(userToken);
    Api restarted = user;
    Poll.until(() -> engine.all("dev.ctrlplane.instance=ghost").isEmpty(), 60,
        () -> "the container of an instance the store does not know removed");
    Poll.until(() -> {
      List<String> now = engine.running("dev.ctrlplane.instance=" + hurt);
      return now.size() == 1 && !now.contains(hurtContainers.get(0))
          && "running".equals(restarted.get("/v1/instances/" + hurt).json().getString("state"));
    }, 90, () -> "the replica whose container died replaced");
    assertEquals(List.of(), engine.all("dev.ctrlplane.instance=" + hurt).stream()
        .filter(c -> c.equals(hurtContainers.get(0))).toList(), "the exited container is removed");

    JsonObject instance = user.awaitState(kept, "running", 60);
    Set<String> adopted = new HashSet<>(engine.all("dev.ctrlplane.instance=" + kept));
    assertEquals(new HashSet<>(keptContainers), adopted, "the same two containers, adopted, none added");
    assertEquals(2, instance.getJsonArray("endpoints").size(), instance::encode);
    DockerHttp.endpoints(instance).forEach(url -> assertEquals("one", DockerHttp.version(url)));

    // adopted replicas are supervised again
    engine.podman("kill", keptContainers.get(1));
    Poll.until(() -> engine.running("dev.ctrlplane.instance=" + kept).size() == 2
        && !engine.running("dev.ctrlplane.instance=" + kept).contains(keptContainers.get(1)), 60,
        () -> "an adopted replica killed from outside replaced");
    assertTrue(engine.running("dev.ctrlplane.instance=" + kept).contains(keptContainers.get(0)));
  }
}
