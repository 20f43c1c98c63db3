package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restarting the control plane with real replicas (the process provider, image hello:1.0): replicas keep running
 * while it is down, the next start on the same store, data dir and node name adopts them (same pids, same ports), and
 * work it had accepted but not done is carried out.
 */
class InstanceDurabilityTest {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static TestNode node;
  static String tenant;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    tenant = Fixtures.tenant(node);
  }

  @AfterAll
  static void stop() {
    NodeExtension.cleanUpAndClose(node);
  }

  @Test
  void replicasOutliveARestartAndAreAdoptedNotDuplicated() throws Exception {
    JsonObject body = Fixtures.processInstance("Durable", "hello:1.0", Map.of("GREETING", "still here"))
        .put("resources", new JsonObject().put("replicas", 2));
    String id = api().post("/v1/instances", body).expect(201).id();
    JsonObject before = api().awaitState(id, "running", 60);
    JsonArray endpoints = before.getJsonArray("endpoints");
    assertEquals(2, endpoints.size(), before::encode);
    assertServes(endpoints, "still here");
    List<Long> pids = Processes.of(id);
    assertEquals(2, pids.size(), "one process per replica");

    restartNode(before.getString("node"));

    JsonObject after = api().get("/v1/instances/" + id).expect(200).json();
    assertEquals("running", after.getString("state"));
    // converging once more, as the start-up reconcile does, must find the adopted replicas and start none
    Futures.await(node.plane().runtime().convergeHere(id));
    assertEquals(pids, Processes.of(id), "the same processes, adopted; none started beside them");
    assertEquals(endpoints, api().get("/v1/instances/" + id).expect(200).json().getJsonArray("endpoints"));
    assertServes(endpoints, "still here");

    assertEquals("stopped", api().post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json().getString("state"));
    assertEquals(List.of(), Processes.of(id), "stopping an adopted instance ends its processes");
    for (Object endpoint : endpoints) {
      assertThrows(IOException.class, () -> get(((JsonObject) endpoint).getString("url") + "/"));
    }
  }

  /** The node stopped after committing "starting" but before doing it (as if killed): the next start does it. */
  @Test
  void anInstanceLeftStartingIsStartedByTheNextNode() throws Exception {
    String id = api().post("/v1/instances", Fixtures.processInstance("Interrupted", "hello:1.0", Map.of()))
        .expect(201).id();
    String nodeName = api().awaitState(id, "running", 60).getString("node");
    api().post("/v1/instances/" + id + "/stop?wait=30s").expect(200);
    assertEquals(List.of(), Processes.of(id));

    node.close();
    setState(id, "starting");
    node = TestNode.start(node.storeUrl(), node.dataDir(), Map.of("node.name", nodeName));

    JsonObject running = api().awaitState(id, "running", 60);
    assertEquals(1, Processes.of(id).size());
    assertServes(running.getJsonArray("endpoints"), "hello");
    api().delete("/v1/instances/" + id + "?wait=30s").expect(204);
    assertEquals(List.of(), Processes.of(id));
  }

  static Api api() {
    return node.api(node.token(tenant, "alice"));
  }

  static void restartNode(String nodeName) {
    node.close();
    node = TestNode.start(node.storeUrl(), node.dataDir(), Map.of("node.name", nodeName));
  }

  /** Each endpoint is a different replica of hello 1.0 that answers with the instance's GREETING. */
  static void assertServes(JsonArray endpoints, String greeting) throws Exception {
    List<Integer> replicas = new ArrayList<>();
    for (Object endpoint : endpoints) {
      JsonObject hello = new JsonObject(get(((JsonObject) endpoint).getString("url") + "/"));
      assertEquals("1.0", hello.getString("version"));
      assertEquals("hello", hello.getString("image"));
      assertEquals(greeting, hello.getString("greeting"));
      replicas.add(hello.getInteger("replica"));
    }
    assertEquals(endpoints.size(), replicas.stream().distinct().count(), replicas::toString);
  }

  static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }

  /** What a node leaves behind when it dies mid-action; written while no node runs. */
  static void setState(String id, String state) throws SQLException {
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(node.storeUrl()));
         PreparedStatement update = conn.prepareStatement(
             "UPDATE instances SET state = ?, version = version + 1 WHERE id = ?")) {
      update.setString(1, state);
      update.setString(2, id);
      assertEquals(1, update.executeUpdate());
    }
  }
}
