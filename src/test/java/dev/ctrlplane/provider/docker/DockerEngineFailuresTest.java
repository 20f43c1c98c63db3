package dev.ctrlplane.provider.docker;

import static dev.ctrlplane.provider.docker.DockerHttp.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the docker provider does when it cannot have an image, or its engine: a pull that cannot succeed fails its
 * instance with the engine's reason, without holding up other instances; an engine that goes away makes the
 * provider unhealthy and creates 503 {@code provider_unavailable}, and everything works again once it is back.
 */
class DockerEngineFailuresTest {

  static PodmanEngine engine;
  static TestNode node;
  static Api user;

  @BeforeAll
  static void start() {
    engine = PodmanEngine.start();
    engine.importImage("localhost/web:1", "one");
    node = TestNode.start(engine.settings());
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
  void anImageThatCannotBePulledFailsItsInstanceWithoutHoldingUpOthers() throws IOException {
    // a "registry" that accepts connections and never answers: the pull hangs until it is closed
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket registry = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(registry.accept());
          }
        } catch (IOException closed) {
          // the test is done with it
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String image = "127.0.0.1:" + registry.getLocalPort() + "/hangs:1";
      String slow = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("slow", image, 1)).expect(201).id();
      Poll.until(() -> !held.isEmpty(), 30, () -> "the engine to start pulling from the stalled registry");

      String quick = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("quick", "localhost/web:1", 1))
          .expect(201).id();
      JsonObject running = user.awaitState(quick, "running", 60);
      assertEquals("one", DockerHttp.version(endpoints(running).get(0)));
      assertEquals("provisioning", user.get("/v1/instances/" + slow).expect(200).json().getString("state"),
          "the other instance still waits for its image");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }

    String absent = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("absent", "localhost/absent:1", 1))
        .expect(201).id();
    JsonObject failed = user.awaitState(absent, "failed", 60);
    String message = failed.getString("status_message");
    assertTrue(message.contains("localhost/absent:1") && message.contains("cannot be pulled"), message);
    assertEquals(List.of(), engine.all("dev.ctrlplane.instance=" + absent));

    user.post("/v1/instances", DockerLifecycleTest.dockerInstance("bad", "Not An Image!", 1))
        .expectError(400, "invalid_argument");
  }

  @Test
  void aDeploymentCancelledWhileItsImageIsPulledDoesNotWaitForThePull() throws IOException {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("cancel", "localhost/web:1", 1))
        .expect(201).id();
    String url = endpoints(user.awaitState(id, "running", 60)).get(0);
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket registry = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(registry.accept());
          }
        } catch (IOException closed) {
          // the test is done with it
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String deployment = user.post("/v1/instances/" + id + "/deploy", new JsonObject()
          .put("image", "127.0.0.1:" + registry.getLocalPort() + "/hangs:2")).expect(201).id();
      Poll.until(() -> !held.isEmpty(), 30, () -> "the deployment's pull to reach the stalled registry");
      long cancelledAt = System.nanoTime();
      assertEquals("cancelled", user.post("/v1/deployments/" + deployment + "/cancel").expect(200).json()
          .getString("state"));
      Poll.until(() -> user.get("/v1/instances/" + id).expect(200).json().getString("deployment_id") == null, 30,
          () -> "the instance released by its cancelled deployment while the pull still hangs");
      assertTrue(System.nanoTime() - cancelledAt < 30_000_000_000L);
      assertTrue(held.stream().anyMatch(socket -> !socket.isClosed()), "the pull still hangs");
      assertEquals("one", DockerHttp.version(url), "the previous release serves on");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void anEngineThatGoesAwayMakesTheProviderUnhealthyAndCallsUnavailableUntilItIsBack() {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("outlive", "localhost/web:1", 1))
        .expect(201).id();
    String url = endpoints(user.awaitState(id, "running", 60)).get(0);
    Api admin = node.api(node.adminToken());

    engine.stopService();
    try {
      Poll.until(() -> !docker(admin).getBoolean("healthy"), 30, () -> "the provider to turn unhealthy");
      assertTrue(docker(admin).getString("message").contains("unreachable"), docker(admin)::encode);
      user.post("/v1/instances", DockerLifecycleTest.dockerInstance("refused", "localhost/web:1", 1))
          .expectError(503, "provider_unavailable");
      user.post("/v1/instances/" + id + "/restart").expectError(503, "provider_unavailable");
      assertEquals("one", DockerHttp.version(url), "containers run on without their engine's API");
      assertEquals("running", user.get("/v1/instances/" + id).expect(200).json().getString("state"));
    } finally {
      engine.startService();
    }

    Poll.until(() -> docker(admin).getBoolean("healthy"), 30, () -> "the provider to recover on its own");
    String after = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("after", "localhost/web:1", 1))
        .expect(201).id();
    assertEquals("one", DockerHttp.version(endpoints(user.awaitState(after, "running", 60)).get(0)));
    String container = engine.running("dev.ctrlplane.instance=" + id).get(0);
    engine.podman("kill", container);
    Poll.until(() -> engine.running("dev.ctrlplane.instance=" + id).stream().anyMatch(c -> !c.equals(container)),
        60, () -> "the instance is supervised again after the outage");
    assertFalse(engine.running("dev.ctrlplane.instance=" + id).contains(container));
  }

  private static JsonObject docker(Api admin) {
    return admin.get("/v1/admin/providers").expect(200).array().stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("name").equals("docker")).findFirst().orElseThrow();
  }
}
