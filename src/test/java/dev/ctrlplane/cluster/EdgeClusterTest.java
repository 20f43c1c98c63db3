package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge router in a cluster of two real nodes: either node's edge serves an instance whose replicas run on the
 * other, and a change of routes or replicas made through one node takes effect on the other's edge within a second.
 */
class EdgeClusterTest {

  private static final Replicas REPLICAS = new Replicas();

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Api api;
  static String tenantSlug;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start("edge-a", "edge-b");
    a = cluster.node("edge-a");
    b = cluster.node("edge-b");
    JsonObject tenant = Fixtures.createTenant(a.api(a.adminToken()), "enterprise");
    tenantSlug = tenant.getString("slug");
    api = a.api(a.token(tenant.getString("id"), "alice"));
  }

  @AfterAll
  static void stop() {
    if (cluster == null) {
      return;
    }
    try {
      Fixtures.deleteAllInstances(a);
    } finally {
      try {
        cluster.close();
      } finally {
        REPLICAS.killLeftovers(cluster.dataDirs());
      }
    }
  }

  private static JsonObject hello(String name, int replicas) {
    JsonObject body = Fixtures.processInstance(name, "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", replicas).put("cpu_millis", 100).put("memory_mb", 64))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080).put("protocol", "http")));
    String id = api.post("/v1/instances", body).expect(201).id();
    return api.awaitState(id, "running", 60);
  }

  private static TestNode owner(JsonObject instance) {
    return instance.getString("node").equals("edge-a") ? a : b;
  }

  private static TestNode other(JsonObject instance) {
    return owner(instance) == a ? b : a;
  }

  private static Api.Response get(TestNode node, String host, String target) {
    return dev.ctrlplane.network.EdgeHttpAccess.get(node.edgePort(), host, target);
  }

  @Test
  void eitherNodesEdgeServesReplicasThatRunOnTheOther() {
    JsonObject web = hello("far", 2);
    String host = "far." + tenantSlug + ".localhost";
    for (TestNode node : Set.of(owner(web), other(web))) {
      Poll.until(() -> get(node, host, "/headers").status() == 200, 10, () -> node.plane().nodeName() + " to route");
      Set<Integer> replicas = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        JsonObject seen = get(node, host, "/headers").expect(200).json();
        assertEquals(web.getString("id"), seen.getString("instance"));
        replicas.add(seen.getInteger("replica"));
      }
      assertEquals(Set.of(0, 1), replicas, "both replicas take traffic through " + node.plane().nodeName());
    }
  }

  @Test
  void routeChangesMadeOnOneNodeTakeEffectOnTheOtherWithinASecond() {
    JsonObject web = hello("live", 1);
    TestNode far = other(web);
    String host = "live-route." + tenantSlug + ".localhost";
    assertEquals(404, get(far, host, "/headers").status());

    // each change is timed from its answer: the change has committed then, and its event is on the bus
    String route = api.post("/v1/instances/" + web.getString("id") + "/routes", new JsonObject().put("path", "/")
        .put("hostname", host)).expect(201).id();
    awaitWithin(far, host, 200, System.nanoTime());

    api.patch("/v1/routes/" + route, new JsonObject().put("weight", 0)).expect(200);
    awaitWithin(far, host, 404, System.nanoTime());

    api.patch("/v1/routes/" + route, new JsonObject().put("weight", 100)).expect(200);
    awaitWithin(far, host, 200, System.nanoTime());

    api.delete("/v1/routes/" + route).expect(204);
    awaitWithin(far, host, 404, System.nanoTime());
  }

  @Test
  void newReplicasReachTheOtherNodesEdge() {
    JsonObject web = hello("grows", 1);
    TestNode far = other(web);
    String host = "grows." + tenantSlug + ".localhost";
    Poll.until(() -> get(far, host, "/headers").status() == 200, 10, () -> "the far edge to route");
    api.post("/v1/instances/" + web.getString("id") + "/scale?wait=30s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 2))).expect(200);
    long scaled = System.nanoTime();
    Poll.until(() -> {
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        seen.add(get(far, host, "/headers").expect(200).json().getInteger("replica"));
      }
      return seen.size() == 2;
    }, 10, () -> "the far edge to use the new replica");
    long tookMs = (System.nanoTime() - scaled) / 1_000_000;
    assertTrue(tookMs < 1500, "the far edge learned the new replica " + tookMs + " ms after the scale settled");
  }

  private static void awaitWithin(TestNode node, String host, int status, long sinceNanos) {
    Poll.until(() -> get(node, host, "/headers").status() == status, 10,
        () -> node.plane().nodeName() + " to answer " + host + " with " + status);
    long tookMs = (System.nanoTime() - sinceNanos) / 1_000_000;
    assertTrue(tookMs < 1000, node.plane().nodeName() + " answered " + status + " " + tookMs
        + " ms after the change was answered");
  }
}
