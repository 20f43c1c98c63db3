package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.allPages;
import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.support.Fixtures.uniqueSlug;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenants CRUD (SPEC §10): create, slug rules, list with pages and status, get, PATCH with If-Match, delete. */
class TenantCrudTest {

  private static final String TYPE_ID = "ten_[0-7][0-9a-hjkmnp-tv-z]{25}";
  private static final String RFC3339_MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
  private static final JsonObject PRO = AdminFixtures.quota(25, 32000, 65536, 25, 500);
  private static final JsonObject FREE = AdminFixtures.quota(3, 2000, 2048, 2, 20);

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void createAnswers201WithATypeIdAndThePlansEffectiveQuota() {
    String slug = uniqueSlug("acme");
    Api.Response created = node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Acme Corp")
        .put("slug", slug).put("plan", "pro").put("metadata", new JsonObject().put("owner", "ops@acme.test")))
        .expect(201);
    JsonObject tenant = created.json();
    assertTrue(tenant.getString("id").matches(TYPE_ID), tenant::encode);
    assertEquals("Acme Corp", tenant.getString("name"));
    assertEquals(slug, tenant.getString("slug"));
    assertEquals("pro", tenant.getString("plan"));
    assertEquals("active", tenant.getString("status"));
    assertNull(tenant.getValue("suspended_at"));
    assertNull(tenant.getValue("suspend_reason"));
    assertEquals(PRO, tenant.getJsonObject("quota"));
    assertEquals(new JsonObject().put("owner", "ops@acme.test"), tenant.getJsonObject("metadata"));
    assertEquals(1, tenant.getInteger("version"));
    assertTrue(tenant.getString("created_at").matches(RFC3339_MILLIS), tenant::encode);
    assertEquals(tenant.getString("created_at"), tenant.getString("updated_at"));
    assertEquals("\"1\"", created.header("ETag").orElse(null));

    assertEquals(tenant, node.admin().get("/v1/admin/tenants/" + tenant.getString("id")).expect(200).json());
    assertEquals(1, count(node.node(), "SELECT count(*) FROM tenants WHERE id = $1 AND slug = $2 AND plan = 'pro'",
        tenant.getString("id"), slug));
  }

  @Test
  void withoutPlanOrSlugTheDefaultPlanAndASlugOfTheNameAreUsed() {
    String name = "Globex " + uniqueSlug("Co");
    JsonObject tenant = node.admin().post("/v1/admin/tenants", new JsonObject().put("name", name)).expect(201).json();
    assertEquals("free", tenant.getString("plan"));
    assertEquals(FREE, tenant.getJsonObject("quota"));
    assertEquals(name.toLowerCase().replace(' ', '-'), tenant.getString("slug"));
    assertEquals(new JsonObject(), tenant.getJsonObject("metadata"));
  }

  @Test
  void slugsMustBeTwoTo63LowerCaseLettersDigitsOrDashes() {
    long before = count(node.node(), "SELECT count(*) FROM tenants");
    for (String bad : List.of("A", "a", "UPPER", "x".repeat(64), "a_b", "a b", "ab.c", "é-tenant", "")) {
      Api.Response refused = node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Bad slug")
          .put("slug", bad)).expectError(400, "invalid_argument");
      assertTrue(refused.json().getString("message").startsWith("slug"), refused::body);
    }
    node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Bad slug").put("slug", 42))
        .expectError(400, "invalid_argument");
    assertEquals(before, count(node.node(), "SELECT count(*) FROM tenants"));

    String longest = (uniqueSlug("long") + "-" + "9".repeat(63)).substring(0, 63);
    String shortest = Long.toString(System.nanoTime() % 1296, 36);
    shortest = shortest.length() < 2 ? shortest + "0" : shortest;
    assertEquals(longest, node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Long")
        .put("slug", longest)).expect(201).json().getString("slug"));
    node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Short").put("slug", shortest)).expect(201);
    node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Dashes").put("slug", "-" + uniqueSlug("0")))
        .expect(201);
  }

  @Test
  void aSlugThatIsTakenIs409AlreadyExistsOnCreateAndOnPatch() {
    JsonObject first = Fixtures.createTenant(node.admin(), "free");
    JsonObject second = Fixtures.createTenant(node.admin(), "free");
    node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Clash").put("slug", first.getString("slug")))
        .expectError(409, "already_exists");
    assertEquals(1, count(node.node(), "SELECT count(*) FROM tenants WHERE slug = $1", first.getString("slug")));

    node.admin().patch("/v1/admin/tenants/" + second.getString("id"),
        new JsonObject().put("slug", first.getString("slug"))).expectError(409, "already_exists");
    assertEquals(second, node.admin().get("/v1/admin/tenants/" + second.getString("id")).expect(200).json());
  }

  @Test
  void anUnknownPlanIs400NamingThePlans() {
    long before = count(node.node(), "SELECT count(*) FROM tenants");
    Api.Response refused = node.admin().post("/v1/admin/tenants", new JsonObject().put("name", "Gold")
        .put("slug", uniqueSlug("gold")).put("plan", "gold")).expectError(400, "invalid_argument");
    String message = refused.json().getString("message");
    assertTrue(message.startsWith("plan") && message.contains("gold") && message.contains("free"), message);
    assertEquals(before, count(node.node(), "SELECT count(*) FROM tenants"));
  }

  @Test
  void listIsNewestFirstInPagesWithTotalAndFiltersByStatus() {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(Fixtures.createTenant(node.admin(), "free").getString("id"));
    }
    node.admin().post("/v1/admin/tenants/" + mine.get(1) + "/suspend", new JsonObject().put("reason", "list"))
        .expect(200);
    node.admin().post("/v1/admin/tenants/" + mine.get(3) + "/suspend").expect(200);

    List<JsonObject> all = allPages(node.admin(), "/v1/admin/tenants", 2);
    assertEquals(count(node.node(), "SELECT count(*) FROM tenants"), all.size());
    assertNewestFirst(all);
    List<String> ids = all.stream().map(t -> t.getString("id")).toList();
    assertEquals(List.of(mine.get(4), mine.get(3), mine.get(2), mine.get(1), mine.get(0)), ids.subList(0, 5));

    List<JsonObject> suspended = allPages(node.admin(), "/v1/admin/tenants?status=suspended", 1);
    assertEquals(count(node.node(), "SELECT count(*) FROM tenants WHERE status = 'suspended'"), suspended.size());
    assertTrue(suspended.stream().allMatch(t -> t.getString("status").equals("suspended")));
    assertTrue(suspended.stream().map(t -> t.getString("id")).toList().containsAll(List.of(mine.get(1), mine.get(3))));

    List<JsonObject> active = allPages(node.admin(), "/v1/admin/tenants?status=active", 3);
    assertEquals(count(node.node(), "SELECT count(*) FROM tenants WHERE status = 'active'"), active.size());
    assertTrue(active.stream().allMatch(t -> t.getString("status").equals("active")));
    assertEquals(all.size(), active.size() + suspended.size());

    JsonObject first = node.admin().get("/v1/admin/tenants?limit=1").expect(200).json();
    assertEquals(all.size(), first.getLong("total"));
    assertEquals(1, first.getJsonArray("items").size());
    assertNotNull(first.getString("next_cursor"));
    // a cursor stays valid while tenants are added: the next page starts where the last one ended
    String added = Fixtures.createTenant(node.admin(), "free").getString("id");
    JsonObject second = node.admin().get("/v1/admin/tenants?limit=1&cursor=" + first.getString("next_cursor"))
        .expect(200).json();
    assertEquals(all.get(1).getString("id"), second.getJsonArray("items").getJsonObject(0).getString("id"));
    assertNotEquals(added, second.getJsonArray("items").getJsonObject(0).getString("id"));
    assertEquals(all.size() + 1, second.getLong("total"));

    node.admin().get("/v1/admin/tenants?status=frozen").expectError(400, "invalid_argument");
  }

  @Test
  void unknownOrMalformedIdsAre404() {
    for (String id : List.of("ten_01jzzzzzzzzzzzzzzzzzzzzzzz", "ten_0000000000000000000000000", "ten_123",
        "inst_01jd8k3v4x5y6z7a8b9c0d1e2f", "nonsense", "TEN_01JD8K3V4X5Y6Z7A8B9C0D1E2F", "ten_8" + "z".repeat(25))) {
      node.admin().get("/v1/admin/tenants/" + id).expectError(404, "not_found");
      node.admin().patch("/v1/admin/tenants/" + id, new JsonObject().put("name", "x")).expectError(404, "not_found");
      node.admin().delete("/v1/admin/tenants/" + id).expectError(404, "not_found");
      node.admin().post("/v1/admin/tenants/" + id + "/suspend").expectError(404, "not_found");
      node.admin().post("/v1/admin/tenants/" + id + "/unsuspend").expectError(404, "not_found");
      node.admin().get("/v1/admin/tenants/" + id + "/quota").expectError(404, "not_found");
      node.admin().put("/v1/admin/tenants/" + id + "/quota", AdminFixtures.quota(1, 1, 1, 1, 1))
          .expectError(404, "not_found");
    }
  }

  @Test
  void patchChangesNameSlugPlanAndMetadataAndHonoursIfMatch() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "free");
    String path = "/v1/admin/tenants/" + tenant.getString("id");
    String newSlug = uniqueSlug("renamed");

    JsonObject patched = node.admin().patch(path, new JsonObject().put("name", "Renamed").put("plan", "pro")
        .put("metadata", new JsonObject().put("tier", 2))).expect(200).json();
    assertEquals("Renamed", patched.getString("name"));
    assertEquals(tenant.getString("slug"), patched.getString("slug"));
    assertEquals("pro", patched.getString("plan"));
    assertEquals(PRO, patched.getJsonObject("quota"), "the effective quota follows the plan");
    assertEquals(new JsonObject().put("tier", 2), patched.getJsonObject("metadata"));
    assertEquals(2, patched.getInteger("version"));
    assertEquals(tenant.getString("created_at"), patched.getString("created_at"));

    // absent fields stay
    JsonObject slugOnly = node.admin().patch(path, new JsonObject().put("slug", newSlug)).expect(200).json();
    assertEquals(newSlug, slugOnly.getString("slug"));
    assertEquals("Renamed", slugOnly.getString("name"));
    assertEquals(new JsonObject().put("tier", 2), slugOnly.getJsonObject("metadata"));
    assertEquals(3, slugOnly.getInteger("version"));

    node.admin().with("If-Match", "\"2\"").patch(path, new JsonObject().put("name", "Stale"))
        .expectError(412, "precondition_failed");
    assertEquals(slugOnly, node.admin().get(path).expect(200).json());

    Api.Response fresh = node.admin().get(path).expect(200);
    JsonObject matched = node.admin().with("If-Match", fresh.header("ETag").orElseThrow())
        .patch(path, new JsonObject().put("name", "Fresh")).expect(200).json();
    assertEquals("Fresh", matched.getString("name"));
    assertEquals(4, matched.getInteger("version"));
    assertEquals(4, count(node.node(), "SELECT version FROM tenants WHERE id = $1", tenant.getString("id")));
  }

  @Test
  void deleteIsRefusedWhileTheTenantOwnsInstancesThen204AndGone() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "free");
    String id = tenant.getString("id");
    Api user = node.api(node.token(id, "owner"));
    String running = Fixtures.runningNoop(user, "web");
    String stopped = Fixtures.stoppedNoop(user, "worker");

    Api.Response refused = node.admin().delete("/v1/admin/tenants/" + id).expectError(409, "invalid_state");
    assertTrue(refused.json().getString("message").contains("2 instance"), refused::body);
    assertEquals(tenant, node.admin().get("/v1/admin/tenants/" + id).expect(200).json());

    user.delete("/v1/instances/" + running + "?wait=20s").expect(204);
    node.admin().delete("/v1/admin/tenants/" + id).expectError(409, "invalid_state");
    user.delete("/v1/instances/" + stopped + "?wait=20s").expect(204);

    node.admin().delete("/v1/admin/tenants/" + id).expect(204);
    node.admin().get("/v1/admin/tenants/" + id).expectError(404, "not_found");
    node.admin().delete("/v1/admin/tenants/" + id).expectError(404, "not_found");
    assertEquals(0, count(node.node(), "SELECT count(*) FROM tenants WHERE id = $1", id));
    assertTrue(allPages(node.admin(), "/v1/admin/tenants", 100).stream().noneMatch(t -> t.getString("id").equals(id)));
  }

  private static void assertNewestFirst(List<JsonObject> tenants) {
    for (int i = 1; i < tenants.size(); i++) {
      JsonObject newer = tenants.get(i - 1);
      JsonObject older = tenants.get(i);
      int byTime = newer.getString("created_at").compareTo(older.getString("created_at"));
      assertTrue(byTime > 0 || byTime == 0 && newer.getString("id").compareTo(older.getString("id")) > 0,
          () -> "not newest first: " + newer.getString("id") + " before " + older.getString("id"));
    }
  }
}
