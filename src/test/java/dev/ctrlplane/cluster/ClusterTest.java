package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.cluster.Replicas.Replica;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two clustered nodes in one JVM on 127.0.0.1, sharing one PostgreSQL database: requests cross nodes on the bus,
 * events reach subscribers on every node, lifecycle calls act where the replicas run, and a node takes over the
 * instances of a node that is gone. Every request goes to node A's HTTP port. The take-over test stops node B, so it
 * runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static final String A = "node-a";
  private static final String B = "node-b";
  /** Creates tried to land one on a given node. The bus takes turns between the nodes, so two are usually enough. */
  private static final int ATTEMPTS = 20;
  /** Lifecycle calls tried to have one handled on node A; the bus takes turns here too. */
  private static final int CALLS = 8;

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Replicas REPLICAS = new Replicas();

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Api api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(A, B);
    a = cluster.node(A);
    b = cluster.node(B);
    String tenant = Fixtures.tenant(a);
    api = a.api(a.token(tenant, "alice"));
  }

  @AfterAll
  static void stop() {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } finally {
      REPLICAS.killLeftovers(cluster.dataDirs());
    }
  }

  @Test
  @Order(1)
  void requestToNodeAIsAnsweredByAFeatureVerticleOnNodeB() {
    JsonObject stats = a.api(a.adminToken()).get("/v1/admin/stats").expect(200).json();
    assertEquals(new JsonObject().put("nodes", 2).put("clustered", true), stats.getJsonObject("cluster"));
    for (TestNode node : List.of(a, b)) {
      JsonObject ready = node.api(null).get("/readyz").expect(200).json();
      assertEquals(true, ready.getValue("cluster"), ready::encode);
    }

    Set<String> handledBy = new HashSet<>();
    for (int i = 0; i < ATTEMPTS && !handledBy.contains(B); i++) {
      // an instance's node is the node whose InstanceVerticle took the create off the bus
      handledBy.add(api.post("/v1/instances", Fixtures.noopInstance(name("noop"))).expect(201).json().getString("node"));
    }
    assertTrue(handledBy.contains(B), "no create sent to " + A + " was handled on " + B + ": " + handledBy);
    assertTrue(Set.of(A, B).containsAll(handledBy), handledBy::toString);
  }

  @Test
  @Order(2)
  void eventPublishedOnOneNodeReachesASubscriberOnTheOther() {
    String address = EventType.INSTANCE_CREATED.address();
    try (EventRecorder onA = new EventRecorder(a, address); EventRecorder onB = new EventRecorder(b, address)) {
      JsonObject created = api.post("/v1/instances", Fixtures.noopInstance(name("evt"))).expect(201).json();
      // the node that handled the create published the event; the subscriber on the other node must receive it
      String origin = created.getString("node");
      EventRecorder other = origin.equals(A) ? onB : onA;
      JsonObject event = other.await(e -> isFor(e, created.getString("id")));

      assertNotEquals(origin, other.node());
      assertEquals("instance.created", event.getString("type"));
      assertEquals(origin, event.getString("node"), event::encode);
      assertEquals(origin, event.getString(EventRecorder.ORIGIN_HEADER), event::encode);
    }
  }

  @Test
  @Order(3)
  void lifecycleCallAtEitherNodeActsOnTheNodeThatRunsTheReplicas() {
    String id = processInstanceOn(B);
    assertEquals(B, api.awaitState(id, "running", 30).getString("node"));
    Replica first = REPLICAS.awaitRunning(b, id);

    try (EventRecorder changes = new EventRecorder(a, EventType.INSTANCE_STATE_CHANGED.address())) {
      Replica current = first;
      int calls = 0;
      while (calls < CALLS && !handledOn(changes, id, A)) {
        JsonObject stopped = api.post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json();
        assertEquals("stopped", stopped.getString("state"), stopped::encode);
        assertEquals(B, stopped.getString("node"));
        REPLICAS.awaitGone(current);

        JsonObject started = api.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
        assertEquals("running", started.getString("state"), started::encode);
        assertEquals(B, started.getString("node"));
        assertFalse(started.getJsonArray("endpoints").isEmpty(), started::encode);
        current = REPLICAS.awaitRunning(b, id);
        assertNotEquals(first.pid(), current.pid());
        calls += 2;
        awaitTransitions(changes, id, calls);
      }
      assertTrue(handledOn(changes, id, A), "none of " + calls + " lifecycle calls was handled on " + A);
      // wherever a call was taken off the bus, its work was done and settled by the owner
      List<JsonObject> settled = changes.matching(e -> isFor(e, id) && isSettling(e));
      assertEquals(calls, settled.size(), settled::toString);
      settled.forEach(e -> assertEquals(B, e.getString("node"), e::encode));
      REPLICAS.assertNone(a, id);
    }
    api.delete("/v1/instances/" + id + "?wait=30s").expect(204);
  }

  @Test
  @Order(4)
  void whenTheOwnerIsGoneTheNodeThatGetsTheCallTakesOver() {
    String id = processInstanceOn(B);
    api.awaitState(id, "running", 30);
    Replica onB = REPLICAS.awaitRunning(b, id);
    assertEquals("stopped", api.post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json().getString("state"));
    REPLICAS.awaitGone(onB);

    cluster.stop(B);
    TestCluster.awaitMembers(a, 1);

    JsonObject started = api.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals("running", started.getString("state"), started::encode);
    assertEquals(A, started.getString("node"), started::encode);
    assertEquals(A, api.get("/v1/instances/" + id).expect(200).json().getString("node"));
    Replica onA = REPLICAS.awaitRunning(a, id);
    assertEquals(onA.port(), started.getJsonArray("endpoints").getJsonObject(0).getInteger("port"), started::encode);

    api.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    REPLICAS.awaitGone(onA);
  }

  /** Creates hello:1.0 process instances through node A until one is owned by {@code node}; deletes the others. */
  private static String processInstanceOn(String node) {
    List<String> elsewhere = new ArrayList<>();
    try {
      for (int i = 0; i < ATTEMPTS; i++) {
        JsonObject created = api.post("/v1/instances",
            new JsonObject().put("name", name("hello")).put("image", "hello:1.0").put("provider_name", "process"))
            .expect(201).json();
        if (node.equals(created.getString("node"))) {
          return created.getString("id");
        }
        elsewhere.add(created.getString("id"));
      }
      throw new AssertionError("none of " + ATTEMPTS + " creates landed on " + node);
    } finally {
      elsewhere.forEach(id -> api.delete("/v1/instances/" + id + "?wait=30s").expect(204));
    }
  }

  /** Whether a lifecycle call on the instance was taken off the bus on {@code node}: that node stamps the transition. */
  private static boolean handledOn(EventRecorder changes, String id, String node) {
    return !changes.matching(e -> isFor(e, id) && isTransition(e) && node.equals(e.getString("node"))).isEmpty();
  }

  private static void awaitTransitions(EventRecorder changes, String id, int count) {
    Poll.until(() -> changes.matching(e -> isFor(e, id) && isTransition(e)).size() == count, 10,
        () -> count + " transitions of " + id + " expected: " + changes);
  }

  private static boolean isFor(JsonObject event, String id) {
    return id.equals(event.getString("instance_id"));
  }

  /** → stopping, → starting: the change an accepted call commits, on the node that took the call. */
  private static boolean isTransition(JsonObject event) {
    return Set.of("stopping", "starting").contains(event.getJsonObject("data").getString("to"));
  }

  /** stopping →, starting →: the change the owner commits when the work is done. */
  private static boolean isSettling(JsonObject event) {
    return Set.of("stopping", "starting").contains(event.getJsonObject("data").getString("from"));
  }

  private static String name(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }
}
