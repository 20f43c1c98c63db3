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
 * instances of a node that is gone. HTTP requests go to node A's port. Where a test needs a command taken off the
 * bus by a given node, it sends the command, as the edge would, to that node's own address
 * ({@code ctrlplane.node.<name>}) from the other node's bus, instead of hoping the bus's balancing picks that node.
 * The take-over test stops node B, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static final String A = "node-a";
  private static final String B = "node-b";
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Replicas REPLICAS = new Replicas();

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Api api;
  static String tenant;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(A, B);
    a = cluster.node(A);
    b = cluster.node(B);
    tenant = Fixtures.tenant(a);
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

    // sent on A's bus, taken off it by B's feature verticle: the command crosses the cluster as JSON and back
    JsonObject created = command(a, B, "create", null, Fixtures.noopInstance(name("noop")));
    assertEquals(B, created.getString("node"), created::encode);
    // and A's HTTP edge answers for it: any node answers any request, from the one store
    assertEquals(created.getString("id"), api.get("/v1/instances/" + created.getString("id")).expect(200).id());
    String viaHttp = api.post("/v1/instances", Fixtures.noopInstance(name("noop"))).expect(201).json().getString("node");
    assertTrue(Set.of(A, B).contains(viaHttp), viaHttp);
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
      // taken off the bus on A: A commits "stopping", and sends the work to B, which runs the replicas
      assertEquals("stopping", command(b, A, "stop", id, new JsonObject()).getString("state"));
      assertEquals(B, api.awaitState(id, "stopped", 30).getString("node"));
      REPLICAS.awaitGone(first);
      // taken off the bus on B, the owner itself
      assertEquals("starting", command(a, B, "start", id, new JsonObject()).getString("state"));
      assertEquals(B, api.awaitState(id, "running", 30).getString("node"));
      Replica second = REPLICAS.awaitRunning(b, id);
      assertNotEquals(first.pid(), second.pid());
      // and through A's HTTP edge, wherever the bus delivers it
      JsonObject stopped = api.post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json();
      assertEquals("stopped", stopped.getString("state"), stopped::encode);
      REPLICAS.awaitGone(second);
      JsonObject started = api.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
      assertEquals("running", started.getString("state"), started::encode);
      assertFalse(started.getJsonArray("endpoints").isEmpty(), started::encode);
      assertNotEquals(second.pid(), REPLICAS.awaitRunning(b, id).pid());

      awaitSettles(changes, id, 4);
      List<JsonObject> transitions = changes.matching(e -> isFor(e, id) && isTransition(e));
      assertEquals(4, transitions.size(), transitions::toString);
      assertEquals(A, transitions.get(0).getString("node"), "the first stop was taken on A");
      assertEquals(B, transitions.get(1).getString("node"), "the first start was taken on B");
      // wherever a call was taken off the bus, its work was done and settled by the owner
      List<JsonObject> settled = changes.matching(e -> isFor(e, id) && isSettling(e));
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

  /** A hello:1.0 process instance created by {@code node}'s verticle (sent from the other node): it owns it. */
  private static String processInstanceOn(String node) {
    TestNode from = node.equals(A) ? b : a;
    JsonObject created = command(from, node, "create", null,
        new JsonObject().put("name", name("hello")).put("image", "hello:1.0").put("provider_name", "process"));
    assertEquals(node, created.getString("node"), created::encode);
    return created.getString("id");
  }

  private static JsonObject command(TestNode from, String to, String action, String id, JsonObject body) {
    return NodeCommands.send(from, to, tenant, action, id, body);
  }

  private static void awaitSettles(EventRecorder changes, String id, int count) {
    Poll.until(() -> changes.matching(e -> isFor(e, id) && isSettling(e)).size() == count, 10,
        () -> count + " settles of " + id + " expected: " + changes);
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
