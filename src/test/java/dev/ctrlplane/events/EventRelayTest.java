package dev.ctrlplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox relay publishes what was committed but never marked published, and nothing that was. */
class EventRelayTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("events.relay_grace", "1s",
      "events.relay_interval", "100ms"));

  @Test
  void committedEventsNoNodePublishedReachTheBus() {
    String tenant = "ten_relay" + System.nanoTime();
    List<Event> orphans = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      orphans.add(Event.of(EventType.INSTANCE_FAILED, tenant, "inst_x", "inst_x", "test",
          new JsonObject().put("n", i), "dead-node"));
    }
    try (EventTap tap = EventTap.on(node.node(), EventType.INSTANCE_FAILED.address())) {
      // written and committed as a node that then died: stored, never published, never marked
      Futures.await(node.plane().pool().withTransaction(conn -> EventStore.insert(conn, orphans)));
      Set<String> seen = new HashSet<>();
      while (seen.size() < orphans.size()) {
        JsonObject event = tap.next(e -> tenant.equals(e.getString("tenant_id")), 15);
        assertEquals("true", tap.headersOf(event).get(EventPublisher.RELAYED_HEADER));
        assertEquals("dead-node", tap.headersOf(event).get(EventPublisher.NODE_HEADER));
        seen.add(event.getString("id"));
      }
      assertEquals(orphans.stream().map(Event::id).collect(java.util.stream.Collectors.toSet()), seen);
      Poll.until(() -> unmarked(tenant) == 0, 10, () -> "the relay to mark what it published");
    }
  }

  @Test
  void eventsTheirNodePublishedAreMarkedAndNotRelayed() {
    var api = node.tenantApi();
    try (EventTap tap = EventTap.on(node.node(), EventType.INSTANCE_CREATED.address())) {
      String id = api.post("/v1/instances", Fixtures.noopInstance("once")).expect(201).id();
      JsonObject event = tap.next(e -> id.equals(e.getString("instance_id")), 10);
      assertNull(tap.headersOf(event).get(EventPublisher.RELAYED_HEADER));
      Poll.until(() -> unmarkedInstance(id) == 0, 10, () -> "the node to mark its events published");
      // for three times the grace, the relay has its chance to (wrongly) publish it again
      AssertionError none = null;
      try {
        tap.next(e -> id.equals(e.getString("instance_id")), 3);
      } catch (AssertionError expected) {
        none = expected;
      }
      assertTrue(none != null, "instance.created was published once, not relayed again");
    }
  }

  private static long unmarked(String tenant) {
    return Futures.await(node.plane().pool().preparedQuery(
            "SELECT count(*) FROM events WHERE tenant_id = $1 AND published_at IS NULL").execute(Tuple.of(tenant)))
        .iterator().next().getLong(0);
  }

  private static long unmarkedInstance(String instanceId) {
    return Futures.await(node.plane().pool().preparedQuery(
            "SELECT count(*) FROM events WHERE instance_id = $1 AND published_at IS NULL")
        .execute(Tuple.of(instanceId))).iterator().next().getLong(0);
  }
}
