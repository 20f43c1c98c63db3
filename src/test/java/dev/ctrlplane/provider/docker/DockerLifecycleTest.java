package dev.ctrlplane.provider.docker;

import static dev.ctrlplane.provider.docker.DockerHttp.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.provider.ReplicaTelemetry;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole instance lifecycle on the docker provider, against a real (Podman) engine. */
class DockerLifecycleTest {

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

  static JsonObject dockerInstance(String name, String image, int replicas) {
    return new JsonObject().put("name", name).put("image", image).put("provider_name", "docker")
        .put("resources", new JsonObject().put("replicas", replicas).put("memory_mb", 64).put("cpu_millis", 250))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080).put("protocol", "http")))
        .put("env", new JsonObject().put("GREETING", "hello"));
  }

  @Test
  void createTwoReplicasThenStopStartScaleSuspendDelete() {
    String id = user.post("/v1/instances", dockerInstance("web", "localhost/web:1", 2)).expect(201).id();
    JsonObject running = user.awaitState(id, "running", 60);
    List<String> urls = endpoints(running);
    assertEquals(2, urls.size(), running::encode);
    for (String url : urls) {
      assertEquals("one", DockerHttp.version(url));
      assertEquals("hello", DockerHttp.env(url, "GREETING").orElseThrow());
      assertEquals("8080", DockerHttp.env(url, "PORT").orElseThrow());
    }
    String label = "dev.ctrlplane.instance=" + id;
    assertEquals(2, engine.running(label).size());
    String inspect = engine.podman("inspect", engine.running(label).get(0));
    JsonObject container = new JsonArray(inspect).getJsonObject(0);
    JsonObject labels = container.getJsonObject("Config").getJsonObject("Labels");
    assertEquals(id, labels.getString("dev.ctrlplane.instance"));
    assertTrue(labels.containsKey("dev.ctrlplane.release") && labels.containsKey("dev.ctrlplane.replica"));
    assertEquals(64L * 1024 * 1024, container.getJsonObject("HostConfig").getLong("Memory"));
    assertEquals(250_000_000L, container.getJsonObject("HostConfig").getLong("NanoCpus"));

    assertEquals("stopped", user.post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json().getString("state"));
    assertEquals(List.of(), engine.all(label), "a stop removes the containers");

    JsonObject started = user.post("/v1/instances/" + id + "/start?wait=60s").expect(200).json();
    assertEquals("running", started.getString("state"));
    assertEquals(2, endpoints(started).size());
    endpoints(started).forEach(url -> assertEquals("one", DockerHttp.version(url)));

    JsonObject scaled = user.post("/v1/instances/" + id + "/scale?wait=60s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 3))).expect(200).json();
    assertEquals(3, endpoints(scaled).size(), scaled::encode);
    assertEquals(3, engine.running(label).size());
    JsonObject down = user.post("/v1/instances/" + id + "/scale?wait=60s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 1))).expect(200).json();
    assertEquals(1, endpoints(down).size(), down::encode);
    assertEquals(1, engine.all(label).size());

    JsonObject suspended = user.post("/v1/instances/" + id + "/suspend?wait=30s").expect(200).json();
    assertEquals("suspended", suspended.getString("state"));
    assertEquals(List.of(), engine.all(label));

    user.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    assertEquals(List.of(), engine.all(label));
  }

  @Test
  void providersListShowsTheEngineHealthAndVersion() {
    JsonArray providers = node.api(node.adminToken()).get("/v1/admin/providers").expect(200).array();
    JsonObject docker = providers.stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("name").equals("docker")).findFirst().orElseThrow();
    assertTrue(docker.getBoolean("healthy"), docker::encode);
    assertTrue(docker.getString("message").contains("4."), docker::encode);
  }

  @Test
  void logsAreDemultiplexedIntoStdoutAndStderrLinesAndStatsSampleEachReplica() {
    String id = user.post("/v1/instances", dockerInstance("telemetry", "localhost/web:1", 2)).expect(201).id();
    JsonObject running = user.awaitState(id, "running", 60);
    endpoints(running).forEach(url -> DockerHttp.version(url)); // some traffic for the network counters
    ReplicaTelemetry telemetry = node.plane().providers().get("docker").telemetry().orElseThrow();

    List<ReplicaTelemetry.LogLine> lines = Futures.await(telemetry.logs(id, null, 100));
    for (int replica = 0; replica < 2; replica++) {
      int r = replica;
      assertTrue(lines.stream().anyMatch(l -> l.replica() == r && l.stream().equals("stdout")
          && l.message().equals("version one serving on 8080") && l.timestamp() != null), lines::toString);
      assertTrue(lines.stream().anyMatch(l -> l.replica() == r && l.stream().equals("stderr")
          && l.message().equals("a line on stderr")), lines::toString);
    }

    List<ReplicaTelemetry.ReplicaStats> stats = Futures.await(telemetry.stats(id));
    assertEquals(2, stats.size(), stats::toString);
    for (ReplicaTelemetry.ReplicaStats sample : stats) {
      assertTrue(sample.memoryUsedBytes() > 0, sample::toString);
      assertEquals(64L * 1024 * 1024, sample.memoryLimitBytes(), sample::toString);
      assertTrue(sample.networkInBytes() > 0 && sample.networkOutBytes() > 0, sample::toString);
      assertTrue(sample.cpuPercent() >= 0, sample::toString);
    }
    user.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    assertEquals(List.of(), Futures.await(telemetry.stats(id)));
  }
}
