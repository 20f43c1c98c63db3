package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lifecycle events (SPEC §4, §11): published on the node's event bus to the firehose and to the per-type address,
 * stamped with id, type, tenant, instance, actor, node and time, and stored in the events table (the outbox). A
 * refused call publishes and stores nothing.
 */
class InstanceEventsTest {

  static final String FIREHOSE = "ctrlplane.events";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static String tenant;
  static Api api;

  @BeforeAll
  static void aTenant() {
    tenant = node.tenant();
    api = node.api(node.token(tenant, "alice"));
  }

  @Test
  void createPublishesInstanceCreatedOnItsOwnAddressFullyStamped() {
    try (EventTap created = EventTap.on(node.node(), "ctrlplane.events.instance.created")) {
      Instant before = Instant.now().minusSeconds(1);
      JsonObject instance = api.post("/v1/instances", Fixtures.noopInstance("Announced")).expect(201).json();
      String id = instance.getString("id");

      JsonObject event = created.nextFor(id, 10);

      assertTrue(event.getString("id").matches("evt_[0-7][0-9a-hjkmnp-tv-z]{25}"), event::encode);
      assertEquals("instance.created", event.getString("type"));
      assertEquals(tenant, event.getString("tenant_id"));
      assertEquals(id, event.getString("instance_id"));
      assertEquals(id, event.getString("resource_id"));
      assertEquals("alice", event.getString("actor_id"));
      assertEquals(node.plane().nodeName(), event.getString("node"));
      Instant at = Instant.parse(event.getString("timestamp"));
      assertTrue(!at.isBefore(before) && at.isBefore(Instant.now().plusSeconds(1)), at::toString);
      JsonObject shown = instance.copy();
      shown.remove("default_url"); // the edge's URL is added by the API (docs/API.md), not stored in events
      assertEquals(shown, event.getJsonObject("data"), "data is the instance as the API shows it");
      MultiMap headers = created.headersOf(event);
      assertEquals("instance.created", headers.get("event-type"));
      assertEquals(node.plane().nodeName(), headers.get("origin-node"));
      assertEquals(id, headers.get("instance-id"), "consumers can pick an instance's events without reading them");
    }
  }

  @Test
  void theFirehoseCarriesTheWholeLifecycleInOrder() {
    try (EventTap all = EventTap.on(node.node(), FIREHOSE)) {
      String id = api.post("/v1/instances", Fixtures.noopInstance("Lifecycle")).expect(201).id();
      api.awaitState(id, "running", 30);
      api.post("/v1/instances/" + id + "/stop?wait=10s").expect(200);

      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        seen.add(describe(all.nextFor(id, 10)));
      }

      assertEquals(List.of(
          "instance.created",
          "instance.state_changed null->provisioning",
          "instance.state_changed provisioning->running",
          "instance.running",
          "instance.state_changed running->stopping",
          "instance.state_changed stopping->stopped",
          "instance.stopped"), seen);
    }
  }

  @Test
  void patchScaleSuspendAndDeletePublishTheirEvents() {
    String id = Fixtures.runningNoop(api, "Busy");
    try (EventTap all = EventTap.on(node.node(), FIREHOSE)) {
      api.patch("/v1/instances/" + id, new JsonObject().put("labels", new JsonObject().put("a", "b"))).expect(200);
      assertEquals("instance.updated", all.nextFor(id, 10).getString("type"));

      api.post("/v1/instances/" + id + "/scale?wait=10s",
          new JsonObject().put("resources", new JsonObject().put("replicas", 2))).expect(200);
      assertEquals("instance.state_changed running->scaling", describe(all.nextFor(id, 10)));
      assertEquals("instance.state_changed scaling->running", describe(all.nextFor(id, 10)));
      JsonObject scaled = all.nextFor(id, 10);
      assertEquals("instance.scaled", scaled.getString("type"));
      assertEquals(2, scaled.getJsonObject("data").getJsonObject("resources").getInteger("replicas"));

      api.post("/v1/instances/" + id + "/suspend?wait=10s").expect(200);
      assertEquals("instance.state_changed running->suspending", describe(all.nextFor(id, 10)));
      assertEquals("instance.state_changed suspending->suspended", describe(all.nextFor(id, 10)));
      assertEquals("instance.suspended", all.nextFor(id, 10).getString("type"));

      api.post("/v1/instances/" + id + "/unsuspend?wait=10s").expect(200);
      assertEquals("instance.state_changed suspended->starting", describe(all.nextFor(id, 10)));
      assertEquals("instance.unsuspended", all.nextFor(id, 10).getString("type"));
      assertEquals("instance.state_changed starting->running", describe(all.nextFor(id, 10)));
      assertEquals("instance.running", all.nextFor(id, 10).getString("type"));

      api.delete("/v1/instances/" + id + "?wait=10s").expect(204);
      assertEquals("instance.state_changed running->destroying", describe(all.nextFor(id, 10)));
      JsonObject deleted = all.nextFor(id, 10);
      assertEquals("instance.deleted", deleted.getString("type"));
      assertEquals(id, deleted.getJsonObject("data").getString("id"));
    }
  }

  @Test
  void everyPublishedEventIsStoredWithTheSameStamp() {
    try (EventTap all = EventTap.on(node.node(), FIREHOSE)) {
      String id = api.post("/v1/instances", Fixtures.noopInstance("Stored")).expect(201).id();
      api.awaitState(id, "running", 30);
      api.post("/v1/instances/" + id + "/stop?wait=10s").expect(200);
      List<JsonObject> published = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        published.add(all.nextFor(id, 10));
      }

      List<Row> stored = storedEvents(id);

      assertEquals(published.size(), stored.size());
      for (int i = 0; i < stored.size(); i++) {
        JsonObject event = published.get(i);
        Row row = stored.get(i);
        assertEquals(event.getString("id"), row.getString("id"), "stored in publishing order");
        assertEquals(event.getString("type"), row.getString("type"));
        assertEquals(event.getString("tenant_id"), row.getString("tenant_id"));
        assertEquals(event.getString("instance_id"), row.getString("instance_id"));
        assertEquals(event.getString("actor_id"), row.getString("actor_id"));
        assertEquals(event.getString("node"), row.getString("node"));
        assertEquals(event.getJsonObject("data"), row.getValue("data"));
        Instant at = row.getOffsetDateTime("created_at").toInstant();
        assertTrue(Duration.between(at, Instant.parse(event.getString("timestamp"))).abs().toMillis() < 1, row::toString);
      }
    }
  }

  /** The runtime's own work is stamped as the system, the caller's as the caller. */
  @Test
  void actorIsTheCallerOrTheSystem() {
    try (EventTap all = EventTap.on(node.node(), FIREHOSE)) {
      String id = api.post("/v1/instances", Fixtures.noopInstance("Actors")).expect(201).id();
      api.awaitState(id, "running", 30);
      assertEquals("alice", all.nextFor(id, 10).getString("actor_id"));
      assertEquals("alice", all.nextFor(id, 10).getString("actor_id"));
      JsonObject settled = all.nextFor(id, 10);
      assertEquals("instance.state_changed provisioning->running", describe(settled));
      assertEquals("system:ctrlplane", settled.getString("actor_id"));
    }
  }

  @Test
  void aRefusedCallPublishesAndStoresNothing() {
    String id = Fixtures.runningNoop(api, "Refused");
    int storedBefore = storedEvents(id).size();
    try (EventTap all = EventTap.on(node.node(), FIREHOSE)) {
      api.post("/v1/instances/" + id + "/start").expectError(409, "invalid_state");
      api.post("/v1/instances/" + id + "/unsuspend?wait=5s").expectError(409, "invalid_state");
      api.post("/v1/instances/" + id + "/scale", new JsonObject().put("resources", new JsonObject().put("replicas", 0)))
          .expectError(400, "invalid_argument");
      api.patch("/v1/instances/" + id, new JsonObject().put("name", "!!")).expectError(400, "invalid_argument");
      node.tenantApi().post("/v1/instances/" + id + "/stop").expectError(404, "not_found");
      api.as(null).post("/v1/instances/" + id + "/stop").expectError(401, "unauthorized");
      api.post("/v1/instances", Fixtures.noopInstance("Refused")).expectError(409, "already_exists");

      // events are published in commit order: the first one about this instance must be the marker's
      api.patch("/v1/instances/" + id, new JsonObject().put("labels", new JsonObject().put("marker", "1"))).expect(200);
      JsonObject first = all.nextFor(id, 10);
      assertEquals("instance.updated", first.getString("type"));
      assertEquals("1", first.getJsonObject("data").getJsonObject("labels").getString("marker"));
    }
    assertEquals(storedBefore + 1, storedEvents(id).size(), "only the marker's event was stored");
    assertEquals(1, storedTypesOfTenant().stream().filter("instance.created:Refused"::equals).count(),
        "the refused second create stored no event");
  }

  static List<Row> storedEvents(String instanceId) {
    List<Row> rows = new ArrayList<>();
    Futures.await(node.plane().pool()
        .preparedQuery("SELECT * FROM events WHERE instance_id = $1 ORDER BY seq").execute(Tuple.of(instanceId)))
        .forEach(rows::add);
    return rows;
  }

  static List<String> storedTypesOfTenant() {
    List<String> types = new ArrayList<>();
    Futures.await(node.plane().pool()
        .preparedQuery("SELECT type, data->>'name' AS name FROM events WHERE tenant_id = $1 ORDER BY seq")
        .execute(Tuple.of(tenant)))
        .forEach(row -> types.add(row.getString("type") + ":" + row.getString("name")));
    return types;
  }

  /** "type", or "type from->to" for state changes. */
  static String describe(JsonObject event) {
    String type = event.getString("type");
    assertNotNull(event.getString("id"));
    if (!type.equals("instance.state_changed")) {
      return type;
    }
    JsonObject data = event.getJsonObject("data");
    assertEquals(data.getString("to"), data.getJsonObject("instance").getString("state"));
    return type + " " + data.getString("from") + "->" + data.getString("to");
  }
}
