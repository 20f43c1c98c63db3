package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /v1/instances} (SPEC §1, §4): filters, limits, opaque cursors that stay stable while rows are added,
 * {@code total} over every match, newest first. Each test works in a tenant of its own, so counts are exact.
 */
class InstanceListTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages();

  @Test
  void filtersByState() {
    Api api = node.tenantApi();
    String stopped = Fixtures.runningNoop(api, "s1");
    String running1 = Fixtures.runningNoop(api, "s2");
    String running2 = Fixtures.runningNoop(api, "s3");
    api.post("/v1/instances/" + stopped + "/stop?wait=10s").expect(200);

    assertPage(api.get("/v1/instances?state=stopped"), List.of(stopped), 1);
    assertPage(api.get("/v1/instances?state=running"), List.of(running2, running1), 2);
    assertPage(api.get("/v1/instances?state=failed"), List.of(), 0);
    Api.Response bogus = api.get("/v1/instances?state=sleeping").expectError(400, "invalid_argument");
    assertTrue(bogus.json().getString("message").startsWith("state"), bogus::body);
  }

  @Test
  void filtersByProvider() {
    Api api = node.tenantApi();
    String noop = api.post("/v1/instances", Fixtures.noopInstance("p1")).expect(201).id();
    String process = api.post("/v1/instances",
        Fixtures.processInstance("p2", TestImages.CTL, Map.of("FAIL", "not meant to run"))).expect(201).id();
    api.awaitState(process, "failed", 30);

    assertPage(api.get("/v1/instances?provider=noop"), List.of(noop), 1);
    assertPage(api.get("/v1/instances?provider=process"), List.of(process), 1);
    assertPage(api.get("/v1/instances?provider=docker"), List.of(), 0);
  }

  @Test
  void labelFiltersRepeatAndAllMustMatch() {
    Api api = node.tenantApi();
    String prodA = create(api, "l1", Map.of("env", "prod", "team", "a"));
    String prodB = create(api, "l2", Map.of("env", "prod", "team", "b"));
    String devA = create(api, "l3", Map.of("env", "dev", "team", "a", "tier", "web=1"));

    assertPage(api.get("/v1/instances?label=env=prod"), List.of(prodB, prodA), 2);
    assertPage(api.get("/v1/instances?label=env=prod&label=team=a"), List.of(prodA), 1);
    assertPage(api.get("/v1/instances?label=team=a"), List.of(devA, prodA), 2);
    assertPage(api.get("/v1/instances?label=env=staging"), List.of(), 0);
    assertPage(api.get("/v1/instances?label=env=prod&label=env=dev"), List.of(), 0);
    assertPage(api.get("/v1/instances?label=tier=web%3D1"), List.of(devA), 1);
    api.get("/v1/instances?label=justakey").expectError(400, "invalid_argument");
    api.get("/v1/instances?label==value").expectError(400, "invalid_argument");
  }

  @Test
  void filtersCombine() {
    Api api = node.tenantApi();
    String stoppedProd = Fixtures.runningNoop(api, "c1");
    api.patch("/v1/instances/" + stoppedProd, new JsonObject().put("labels", new JsonObject().put("env", "prod")))
        .expect(200);
    api.post("/v1/instances/" + stoppedProd + "/stop?wait=10s").expect(200);
    create(api, "c2", Map.of("env", "prod"));

    assertPage(api.get("/v1/instances?state=stopped&label=env=prod&provider=noop"), List.of(stoppedProd), 1);
  }

  @ParameterizedTest(name = "limit={0} -> 400")
  @ValueSource(strings = {"0", "101", "abc", "-1", "1.5", "99999999999"})
  void limitOutside1To100Is400(String limit) {
    Api api = node.tenantApi();
    Api.Response refused = api.get("/v1/instances?limit=" + limit).expectError(400, "invalid_argument");
    assertTrue(refused.json().getString("message").startsWith("limit"), refused::body);
  }

  @Test
  void limitDefaultsTo20AndAccepts1And100() {
    Api api = node.tenantApi();
    List<String> created = createMany(api, "d", 21);

    JsonObject byDefault = api.get("/v1/instances").expect(200).json();
    assertEquals(20, byDefault.getJsonArray("items").size());
    assertEquals(21, byDefault.getLong("total"));
    assertEquals(1, api.get("/v1/instances?limit=1").expect(200).json().getJsonArray("items").size());
    assertPage(api.get("/v1/instances?limit=100"), reversed(created), 21);
  }

  @ParameterizedTest(name = "cursor={0} -> 400")
  @ValueSource(strings = {"not-base64!!", "Zm9v", "%20", "v2|123|inst_x", "v1|abc|inst_x", "v1|123|", "v1|123",
      "v1||inst_x", "v1|99999999999999999999|inst_x"})
  void malformedCursorIs400(String cursor) {
    Api api = node.tenantApi();
    String sent = cursor.startsWith("v") ? base64(cursor) : cursor;
    Api.Response refused = api.get("/v1/instances?cursor=" + sent).expectError(400, "invalid_argument");
    assertTrue(refused.json().getString("message").startsWith("cursor"), refused::body);
  }

  /** A well-formed position the server never issued is still a position: a page, not an error. */
  @Test
  void aDecodableCursorFromBeyondEitherEndIsJustAPosition() {
    Api api = node.tenantApi();
    List<String> created = createMany(api, "e", 3);

    assertPage(api.get("/v1/instances?cursor=" + base64("v1|-9223372036854775808|inst_x")), List.of(), 3);
    assertPage(api.get("/v1/instances?cursor=" + base64("v1|0|inst_x")), List.of(), 3);
    assertPage(api.get("/v1/instances?cursor=" + base64("v1|9223372036854775807|inst_x")), reversed(created), 3);
  }

  @Test
  void anEmptyListIsAnEmptyArrayWithoutCursor() {
    Api api = node.tenantApi();
    JsonObject page = api.get("/v1/instances").expect(200).json();
    assertEquals(new JsonArray(), page.getJsonArray("items"));
    assertEquals(0, page.getLong("total"));
    assertFalse(page.containsKey("next_cursor"), page::encode);
  }

  @Test
  void newestFirst() {
    Api api = node.tenantApi();
    List<String> created = createMany(api, "n", 6);

    JsonArray items = api.get("/v1/instances").expect(200).json().getJsonArray("items");

    assertEquals(reversed(created), idsOf(items));
    for (int i = 1; i < items.size(); i++) {
      Instant newer = Instant.parse(items.getJsonObject(i - 1).getString("created_at"));
      Instant older = Instant.parse(items.getJsonObject(i).getString("created_at"));
      assertFalse(newer.isBefore(older), items::encode);
    }
  }

  /** Keyset pages: rows added between pages sort before the cursor, so later pages neither repeat nor skip. */
  @Test
  void pagesStayStableWhileRowsAreAdded() {
    Api api = node.tenantApi();
    List<String> original = createMany(api, "o", 25);

    JsonObject first = api.get("/v1/instances?limit=10").expect(200).json();
    createMany(api, "between-1-", 5);
    JsonObject second = api.get("/v1/instances?limit=10&cursor=" + first.getString("next_cursor")).expect(200).json();
    createMany(api, "between-2-", 5);
    JsonObject third = api.get("/v1/instances?limit=10&cursor=" + second.getString("next_cursor")).expect(200).json();

    assertEquals(reversed(original.subList(15, 25)), idsOf(first.getJsonArray("items")));
    assertEquals(reversed(original.subList(5, 15)), idsOf(second.getJsonArray("items")));
    assertEquals(reversed(original.subList(0, 5)), idsOf(third.getJsonArray("items")));
    assertEquals(25, first.getLong("total"));
    assertEquals(30, second.getLong("total"), "total counts every match now, the new rows too");
    assertEquals(35, third.getLong("total"));
    assertNull(third.getString("next_cursor"), "the last page has no cursor");
    Set<String> seen = new HashSet<>();
    for (JsonObject page : List.of(first, second, third)) {
      idsOf(page.getJsonArray("items")).forEach(id -> assertTrue(seen.add(id), "served twice: " + id));
    }
    assertEquals(new HashSet<>(original), seen);
  }

  @Test
  void aCursorKeepsItsFilters() {
    Api api = node.tenantApi();
    List<String> labelled = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      labelled.add(create(api, "f" + i, Map.of("keep", "yes")));
      create(api, "g" + i, Map.of("keep", "no"));
    }

    JsonObject first = api.get("/v1/instances?label=keep=yes&limit=3").expect(200).json();
    JsonObject second = api.get("/v1/instances?label=keep=yes&limit=3&cursor=" + first.getString("next_cursor"))
        .expect(200).json();

    assertEquals(reversed(labelled).subList(0, 3), idsOf(first.getJsonArray("items")));
    assertEquals(reversed(labelled).subList(3, 5), idsOf(second.getJsonArray("items")));
    assertEquals(5, second.getLong("total"));
  }

  /**
   * A listed instance is shown as it is now: a page served again after a patch, a state change or a delete shows
   * the change, and every item is exactly what GET returns for it.
   */
  @Test
  void aPageServedAgainShowsEveryChangeSinceTheLastTime() {
    Api api = node.tenantApi();
    List<String> ids = createMany(api, "c", 3);
    ids.forEach(id -> api.awaitState(id, "running", 10));
    assertItemsAreWhatGetReturns(api, api.get("/v1/instances").expect(200).json());

    api.patch("/v1/instances/" + ids.get(0), new JsonObject().put("name", "renamed")).expect(200);
    api.post("/v1/instances/" + ids.get(1) + "/stop?wait=10s").expect(200);
    api.delete("/v1/instances/" + ids.get(2) + "?wait=10s").expect(204);

    JsonObject again = api.get("/v1/instances").expect(200).json();
    assertEquals(List.of(ids.get(1), ids.get(0)), idsOf(again.getJsonArray("items")), again::encode);
    assertEquals("renamed", again.getJsonArray("items").getJsonObject(1).getString("name"));
    assertEquals("stopped", again.getJsonArray("items").getJsonObject(0).getString("state"));
    assertItemsAreWhatGetReturns(api, again);
  }

  private static void assertItemsAreWhatGetReturns(Api api, JsonObject page) {
    for (Object item : page.getJsonArray("items")) {
      JsonObject listed = (JsonObject) item;
      assertEquals(api.get("/v1/instances/" + listed.getString("id")).expect(200).json(), listed);
    }
  }

  static void assertPage(Api.Response response, List<String> ids, long total) {
    JsonObject page = response.expect(200).json();
    assertEquals(ids, idsOf(page.getJsonArray("items")), page::encode);
    assertEquals(total, page.getLong("total"), page::encode);
  }

  static String create(Api api, String name, Map<String, String> labels) {
    JsonObject body = Fixtures.noopInstance(name).put("labels", new JsonObject(new LinkedHashMap<>(labels)));
    return api.post("/v1/instances", body).expect(201).id();
  }

  static List<String> createMany(Api api, String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(api.post("/v1/instances", Fixtures.noopInstance(prefix + i)).expect(201).id());
    }
    return ids;
  }

  static List<String> idsOf(JsonArray items) {
    return items.stream().map(i -> ((JsonObject) i).getString("id")).toList();
  }

  static List<String> reversed(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    Collections.reverse(copy);
    return copy;
  }

  static String base64(String raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }
}
