package dev.ctrlplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.SseClient;
import dev.ctrlplane.support.SseClient.Frame;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/events}: tenancy, filters, ids, heartbeats, reset, bad input, and the commit-order trap. */
class EventStreamTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("events.heartbeat", "300ms"));

  private SseClient open(String path, String token, String lastEventId) {
    SseClient client = SseClient.open(node.node().port(), path, token, lastEventId);
    assertEquals(200, client.status(), () -> path + " -> " + client.error());
    return client;
  }

  @Test
  void aTenantSeesItsOwnEventsAndAnOperatorSeesAll() {
    String tenantA = node.tenant();
    String tenantB = node.tenant();
    String tokenA = node.token(tenantA, "alice");
    String tokenB = node.token(tenantB, "bob");
    try (SseClient a = open("/v1/events", tokenA, null);
        SseClient b = open("/v1/events", tokenB, null);
        SseClient all = open("/v1/events?types=instance.created", node.adminToken(), null)) {
      String inA = node.api(tokenA).post("/v1/instances", Fixtures.noopInstance("a")).expect(201).id();
      String inB = node.api(tokenB).post("/v1/instances", Fixtures.noopInstance("b")).expect(201).id();
      Frame first = a.nextEvent(10);
      assertEquals("instance.created", first.event());
      assertTrue(first.id().startsWith("evt_"), first.id());
      JsonObject event = first.json();
      assertEquals(first.id(), event.getString("id"));
      assertEquals(inA, event.getString("instance_id"));
      assertEquals(tenantA, event.getString("tenant_id"));
      assertEquals(inA, event.getJsonObject("data").getString("id"));
      Frame ofB = b.nextEvent(10);
      assertEquals(inB, ofB.json().getString("instance_id"), "B's first event is its own, never A's");
      for (Frame frame : b.drain(1.5)) {
        assertEquals(tenantB, frame.json().getString("tenant_id"));
      }
      List<String> created = List.of(all.nextEvent(10).json().getString("instance_id"),
          all.nextEvent(10).json().getString("instance_id"));
      assertEquals(List.of(inA, inB), created, "the operator sees both tenants' instance.created, in order");
    }
  }

  @Test
  void typesAndInstanceFilters() {
    String tenant = node.tenant();
    String token = node.token(tenant, "alice");
    Api api = node.api(token);
    String first = api.post("/v1/instances", Fixtures.noopInstance("first")).expect(201).id();
    api.awaitState(first, "running", 30);
    try (SseClient created = open("/v1/events?types=instance.created,deploy.*", token, null);
        SseClient ofFirst = open("/v1/events?types=instance.*&instance_id=" + first, token, null)) {
      String second = api.post("/v1/instances", Fixtures.noopInstance("second")).expect(201).id();
      api.post("/v1/instances/" + first + "/stop").expect(202);
      assertEquals(second, created.nextEvent(10).json().getString("instance_id"));
      Frame stopping = ofFirst.nextEvent(10);
      assertEquals(first, stopping.json().getString("instance_id"));
      assertTrue(stopping.event().startsWith("instance."), stopping.event());
      for (Frame frame : ofFirst.drain(1.5)) {
        assertEquals(first, frame.json().getString("instance_id"));
      }
      for (Frame frame : created.drain(0.5)) {
        assertTrue(frame.event().equals("instance.created") || frame.event().startsWith("deploy."), frame.event());
      }
    }
  }

  @Test
  void heartbeatsKeepAnIdleStreamAlive() {
    try (SseClient idle = open("/v1/events?types=deploy.rolled_back&tenant_id=" + node.tenant(), node.adminToken(),
        null)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (idle.comments() < 2 && System.nanoTime() < deadline) {
        assertNull(idle.next(0.1), "nothing of that type happens in this tenant");
      }
      assertTrue(idle.comments() >= 2, "heartbeat comments every events.heartbeat (300ms here)");
    }
  }

  @Test
  void tokenInTheQueryOnlyOnTheStream() {
    String tenant = node.tenant();
    String token = node.token(tenant, "alice");
    try (SseClient viaQuery = SseClient.open(node.node().port(), "/v1/events?token=" + token, null, null)) {
      assertEquals(200, viaQuery.status());
    }
    node.api(null).get("/v1/instances?token=" + token).expectError(401, "unauthorized");
    node.api(null).get("/v1/events?token=not-a-jwt").expectError(401, "unauthorized");
    node.api(null).get("/v1/events").expectError(401, "unauthorized");
  }

  @Test
  void badInputIsA400AndAnotherTenantA403() {
    Api api = node.tenantApi();
    api.get("/v1/events?types=nothing.*").expectError(400, "invalid_argument");
    api.get("/v1/events?types=instance.created,").expectError(400, "invalid_argument");
    api.get("/v1/events?instance_id=inst_nope").expectError(400, "invalid_argument");
    api.get("/v1/events?after=garbage").expectError(400, "invalid_argument");
    api.with("Last-Event-ID", "evt_nope").get("/v1/events").expectError(400, "invalid_argument");
    String unknownRecent = dev.ctrlplane.store.TypeId.generate("evt");
    api.get("/v1/events?after=" + unknownRecent).expectError(400, "invalid_argument");
    api.get("/v1/events?tenant_id=" + node.tenant()).expectError(403, "forbidden");
  }

  @Test
  void aResumePointOlderThanRetentionGetsAReset() {
    String tenant = node.tenant();
    String token = node.token(tenant, "alice");
    try (SseClient stream = open("/v1/events?after=evt_00000000000000000000000000", token, null)) {
      Frame reset = stream.nextEvent(10);
      assertEquals("reset", reset.event());
      assertNull(reset.id(), "a reset is not a resume point");
      assertEquals("evt_00000000000000000000000000", reset.json().getString("after"));
      String id = node.api(token).post("/v1/instances", Fixtures.noopInstance("after-reset")).expect(201).id();
      Frame next;
      do {
        next = stream.nextEvent(10);
      } while (!id.equals(next.json().getString("instance_id")));
      assertEquals(tenant, next.json().getString("tenant_id"));
    }
  }

  /**
   * The trap: a transaction that took the lower seq commits after one with a higher seq. The later-committing event
   * is not lost: nothing after it is served until it has committed (or rolled back), and resuming after either
   * event gives exactly the events after it in the one order every stream sees.
   */
  @Test
  void anEarlierTransactionCommittingLaterIsNeitherSkippedNorRepeated() {
    String tenant = "ten_trap" + System.nanoTime();
    Pool pool = node.plane().pool();
    try (SseClient stream = open("/v1/events?tenant_id=" + tenant, node.adminToken(), null)) {
      SqlConnection slow = Futures.await(pool.getConnection());
      try {
        Transaction open = Futures.await(slow.begin());
        Event held = event(tenant, "held");
        Futures.await(EventStore.insert(slow, List.of(held)));
        Event quick = event(tenant, "quick");
        Futures.await(pool.withTransaction(conn -> EventStore.insert(conn, List.of(quick))));
        assertNull(stream.next(1.0), "nothing is served past an open transaction that wrote an event");
        Futures.await(open.commit());
        assertEquals(held.id(), stream.nextEvent(10).id());
        assertEquals(quick.id(), stream.nextEvent(10).id());
        try (SseClient afterHeld = open("/v1/events?tenant_id=" + tenant, node.adminToken(), held.id());
            SseClient afterQuick = open("/v1/events?tenant_id=" + tenant + "&after=" + quick.id(),
                node.adminToken(), null)) {
          assertEquals(quick.id(), afterHeld.nextEvent(10).id());
          assertNull(afterHeld.next(0.5));
          assertNull(afterQuick.next(0.5));
        }
      } finally {
        slow.close();
      }
    }
  }

  static Event event(String tenant, String marker) {
    return Event.of(EventType.INSTANCE_UPDATED, tenant, null, tenant, "test", new JsonObject().put("marker", marker),
        "test-node");
  }
}
