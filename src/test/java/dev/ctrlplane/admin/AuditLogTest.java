package dev.ctrlplane.admin;

import static dev.ctrlplane.admin.AdminFixtures.allPages;
import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.admin.AdminFixtures.enc;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit log (SPEC §10): one entry per mutating call, in the change's transaction; refused calls (403, 409, 429) as
 * denied or failed; nothing for reads or bad requests. Filters, pages, no tokens in it, a verifiable hash chain that
 * the store refuses to rewrite.
 */
class AuditLogTest {

  /** What one audit entry must say. */
  record Expected(String resource, String action, String outcome, String actorId, String tenantId, String resourceId,
      String requestId) {

    JsonObject toJson() {
      return new JsonObject().put("resource", resource).put("action", action).put("outcome", outcome)
          .put("actor_id", actorId).put("tenant_id", tenantId).put("resource_id", resourceId)
          .put("request_id", requestId);
    }

    static JsonObject of(JsonObject entry) {
      JsonObject json = new JsonObject();
      for (String field : List.of("resource", "action", "outcome", "actor_id", "tenant_id", "resource_id",
          "request_id")) {
        json.put(field, entry.getValue(field));
      }
      return json;
    }
  }

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  /** Sends calls with request ids of one prefix, and remembers which entries they must have written. */
  static final class Script {
    final String prefix = "req-" + UUID.randomUUID() + "-";
    final List<Expected> expected = new ArrayList<>();
    int next;

    /** A call that must write exactly one entry. */
    Api.Response audited(Api api, Function<Api, Api.Response> call, String resource, String action, String outcome,
        String actorId, Function<Api.Response, String> tenantId, Function<Api.Response, String> resourceId) {
      String requestId = prefix + next++;
      Api.Response response = call.apply(api.with("X-Request-Id", requestId));
      assertEquals(requestId, response.header("X-Request-Id").orElse(null));
      expected.add(new Expected(resource, action, outcome, actorId, tenantId.apply(response),
          resourceId.apply(response), requestId));
      return response;
    }

    /** A call that must write nothing: its request id has the prefix, so an entry of it would be found. */
    Api.Response quiet(Api api, Function<Api, Api.Response> call) {
      return call.apply(api.with("X-Request-Id", prefix + next++));
    }

    List<JsonObject> expectedNewestFirst() {
      List<JsonObject> list = new ArrayList<>(expected.stream().map(Expected::toJson).toList());
      Collections.reverse(list);
      return list;
    }
  }

  @Test
  void aScriptOfCallsWritesExactlyTheExpectedEntries() {
    Script s = new Script();
    String slug = Fixtures.uniqueSlug("audited");
    String alice = "alice-" + UUID.randomUUID();

    String t = s.audited(node.admin(), a -> a.post("/v1/admin/tenants", new JsonObject().put("name", "Audited")
        .put("slug", slug).put("plan", "pro")).expect(201), "tenant", "create", "success", "operator",
        Api.Response::id, Api.Response::id).id();
    Api user = node.api(node.token(t, alice));
    Function<Api.Response, String> tenantRef = r -> t;

    s.audited(node.admin(), a -> a.put("/v1/admin/tenants/" + t + "/quota", quota(1, 100000, 100000, 5, 5)).expect(200),
        "tenant", "update_quota", "success", "operator", tenantRef, tenantRef);
    String i1 = s.audited(user, u -> u.post("/v1/instances", Fixtures.noopInstance("web")).expect(201),
        "instance", "create", "success", alice, tenantRef, Api.Response::id).id();
    Function<Api.Response, String> instanceRef = r -> i1;
    s.quiet(user, u -> {
      u.awaitState(i1, "running", 30);
      return u.get("/v1/instances").expect(200);
    });
    s.audited(user, u -> u.patch("/v1/instances/" + i1, new JsonObject().put("labels", new JsonObject()
        .put("team", "a"))).expect(200), "instance", "update", "success", alice, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + i1 + "/stop?wait=20s").expect(200),
        "instance", "stop", "success", alice, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + i1 + "/stop").expectError(409, "invalid_state"),
        "instance", "stop", "failed", alice, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances", Fixtures.noopInstance("second")).expectError(429, "quota_exceeded"),
        "instance", "create", "failed", alice, tenantRef, r -> null);
    s.audited(user, u -> u.post("/v1/admin/tenants/" + t + "/suspend").expectError(403, "forbidden"),
        "tenant", "suspend", "denied", alice, tenantRef, tenantRef);
    s.audited(node.admin(), a -> a.post("/v1/admin/tenants/" + t + "/suspend", new JsonObject().put("reason", "audit"))
        .expect(200), "tenant", "suspend", "success", "operator", tenantRef, tenantRef);
    s.audited(user, u -> u.post("/v1/instances/" + i1 + "/start").expectError(403, "forbidden"),
        "instance", "start", "denied", alice, tenantRef, instanceRef);
    s.audited(node.admin(), a -> a.post("/v1/admin/tenants/" + t + "/suspend").expectError(409, "invalid_state"),
        "tenant", "suspend", "failed", "operator", tenantRef, tenantRef);
    s.audited(node.admin(), a -> a.post("/v1/admin/tenants/" + t + "/unsuspend").expect(200),
        "tenant", "unsuspend", "success", "operator", tenantRef, tenantRef);
    s.audited(node.admin(), a -> a.delete("/v1/admin/tenants/" + t).expectError(409, "invalid_state"),
        "tenant", "delete", "failed", "operator", tenantRef, tenantRef);
    // reads, bad requests, unknown ids and failed preconditions write nothing
    s.quiet(user, u -> u.get("/v1/instances/" + i1).expect(200));
    s.quiet(user, u -> u.patch("/v1/instances/" + i1, new JsonObject().put("labels", "x"))
        .expectError(400, "invalid_argument"));
    s.quiet(user, u -> u.get("/v1/instances/inst_01jzzzzzzzzzzzzzzzzzzzzzzz").expectError(404, "not_found"));
    s.quiet(user, u -> u.post("/v1/instances/inst_01jzzzzzzzzzzzzzzzzzzzzzzz/stop").expectError(404, "not_found"));
    s.quiet(node.admin(), a -> a.get("/v1/admin/tenants/" + t + "/quota").expect(200));
    s.quiet(node.admin(), a -> a.with("If-Match", "\"1\"").patch("/v1/admin/tenants/" + t, new JsonObject()
        .put("name", "Stale")).expectError(412, "precondition_failed"));
    s.quiet(node.admin(), a -> a.send("POST", "/v1/admin/tenants", "{\"name\":").expectError(400, "invalid_argument"));
    s.quiet(node.admin(), a -> a.get("/v1/admin/audit?tenant_id=" + t).expect(200));
    s.audited(user, u -> u.delete("/v1/instances/" + i1 + "?wait=20s").expect(204),
        "instance", "delete", "success", alice, tenantRef, instanceRef);
    s.audited(node.admin(), a -> a.delete("/v1/admin/tenants/" + t).expect(204),
        "tenant", "delete", "success", "operator", tenantRef, tenantRef);

    List<JsonObject> ofTenant = allPages(node.admin(), "/v1/admin/audit?tenant_id=" + t, 100);
    assertEquals(s.expectedNewestFirst(), ofTenant.stream().map(Expected::of).toList());
    // no more anywhere else either: every entry with one of the script's request ids is one of the expected ones
    List<JsonObject> ofScript = allPages(node.admin(), "/v1/admin/audit", 100).stream()
        .filter(e -> e.getString("request_id") != null && e.getString("request_id").startsWith(s.prefix))
        .map(Expected::of).toList();
    assertEquals(s.expectedNewestFirst(), ofScript);
    assertEquals(s.expected.size(), count(node.node(), "SELECT count(*) FROM audit_log WHERE request_id LIKE $1",
        s.prefix + "%"));

    for (JsonObject entry : ofTenant) {
      assertTrue(entry.getString("id").matches("aud_[0-7][0-9a-hjkmnp-tv-z]{25}"), entry::encode);
      assertEquals("127.0.0.1", entry.getString("ip_address"));
      assertTrue(entry.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
      if (!entry.getString("outcome").equals("success")) {
        JsonObject details = entry.getJsonObject("details");
        assertFalse(details.getString("message", "").isBlank(), entry::encode);
        List<String> codes = entry.getString("outcome").equals("denied") ? List.of("forbidden")
            : List.of("invalid_state", "quota_exceeded");
        assertTrue(codes.contains(details.getString("code")), entry::encode);
      }
    }
    JsonObject created = ofTenant.get(ofTenant.size() - 3);
    assertEquals(new JsonObject().put("name", "web").put("image", "hello:1.0").put("provider_name", "noop"),
        created.getJsonObject("details"));
  }

  /** The success entry of every lifecycle action and of a tenant's PATCH, each with what it did in its details. */
  @Test
  void everyLifecycleActionAndATenantUpdateWriteTheirSuccessEntry() {
    Script s = new Script();
    String t = Fixtures.tenant(node.node());
    String bob = "bob-" + UUID.randomUUID();
    Api user = node.api(node.token(t, bob));
    Function<Api.Response, String> tenantRef = r -> t;
    String id = Fixtures.stoppedNoop(user, "lifecycle");
    Function<Api.Response, String> instanceRef = r -> id;

    s.audited(user, u -> u.post("/v1/instances/" + id + "/start?wait=20s").expect(200),
        "instance", "start", "success", bob, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + id + "/restart?wait=20s").expect(200),
        "instance", "restart", "success", bob, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + id + "/scale?wait=20s", new JsonObject().put("resources",
        new JsonObject().put("replicas", 3).put("memory_mb", 512))).expect(200),
        "instance", "scale", "success", bob, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + id + "/suspend?wait=20s", new JsonObject().put("reason", "night"))
        .expect(200), "instance", "suspend", "success", bob, tenantRef, instanceRef);
    s.audited(user, u -> u.post("/v1/instances/" + id + "/unsuspend?wait=20s").expect(200),
        "instance", "unsuspend", "success", bob, tenantRef, instanceRef);
    s.audited(node.admin(), a -> a.patch("/v1/admin/tenants/" + t, new JsonObject().put("name", "Renamed")
        .put("metadata", new JsonObject().put("tier", "gold"))).expect(200),
        "tenant", "update", "success", "operator", tenantRef, tenantRef);

    List<JsonObject> entries = allPages(node.admin(), "/v1/admin/audit?tenant_id=" + t, 100).stream()
        .filter(e -> e.getString("request_id") != null && e.getString("request_id").startsWith(s.prefix)).toList();
    assertEquals(s.expectedNewestFirst(), entries.stream().map(Expected::of).toList());
    List<JsonObject> details = entries.stream().map(e -> e.getJsonObject("details")).toList();
    assertEquals(new JsonObject().put("fields", new JsonArray().add("metadata").add("name")), details.get(0));
    assertEquals(new JsonObject().put("state", "starting"), details.get(1), "unsuspend");
    assertEquals(new JsonObject().put("state", "suspending").put("reason", "night"), details.get(2), "suspend");
    JsonObject scaled = details.get(3);
    assertEquals("scaling", scaled.getString("state"));
    assertEquals(3, scaled.getJsonObject("resources").getInteger("replicas"), scaled::encode);
    assertEquals(512, scaled.getJsonObject("resources").getInteger("memory_mb"), scaled::encode);
    assertEquals(new JsonObject().put("state", "restarting"), details.get(4), "restart");
    assertEquals(new JsonObject().put("state", "starting"), details.get(5), "start");
    JsonObject chain = node.admin().get("/v1/admin/audit/verify?tenant_id=" + t).expect(200).json();
    assertTrue(chain.getBoolean("valid"), chain::encode);
  }

  @Test
  void everyFilterNarrowsTheLogAndPagesFollowTheCursor() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "pro");
    String t = tenant.getString("id");
    String bob = "bob-" + UUID.randomUUID();
    String carol = "carol-" + UUID.randomUUID();
    Api asBob = node.api(node.token(t, bob));
    Api asCarol = node.api(node.token(t, carol));

    String a = Fixtures.runningNoop(asBob, "a");
    asBob.post("/v1/instances/" + a + "/stop?wait=20s").expect(200);
    asBob.post("/v1/instances/" + a + "/stop").expectError(409, "invalid_state");
    Instant afterBob = Instant.now();
    String b = Fixtures.runningNoop(asCarol, "b");
    asCarol.patch("/v1/instances/" + b, new JsonObject().put("name", "b2")).expect(200);
    asCarol.post("/v1/instances/" + b + "/stop?wait=20s").expect(200);
    Instant afterCarol = Instant.now();
    node.admin().post("/v1/admin/tenants/" + t + "/suspend").expect(200);

    String base = "/v1/admin/audit?tenant_id=" + t;
    List<JsonObject> all = allPages(node.admin(), base, 100);
    // tenant create, bob: create, stop, stop (failed); carol: create, update, stop; operator: suspend
    assertEquals(8, all.size());
    assertEquals(count(node.node(), "SELECT count(*) FROM audit_log WHERE tenant_id = $1", t), all.size());

    // newest first: suspend; carol: stop, update, create; bob: failed stop, stop, create; tenant create
    List<JsonObject> bobs = all.subList(4, 7);
    List<JsonObject> carols = all.subList(1, 4);
    assertFilter(base + "&actor_id=" + bob, bobs);
    assertFilter(base + "&actor_id=" + carol, carols);
    assertFilter("/v1/admin/audit?actor_id=" + carol, carols);
    assertFilter(base + "&resource=instance", all.subList(1, 7));
    assertFilter(base + "&resource=tenant", List.of(all.get(0), all.get(7)));
    assertFilter("/v1/admin/audit?resource_id=" + a, bobs);
    assertFilter(base + "&resource_id=" + b + "&action=stop", List.of(all.get(1)));
    assertFilter(base + "&action=stop", List.of(all.get(1), all.get(4), all.get(5)));
    assertFilter(base + "&action=suspend&resource=tenant", List.of(all.get(0)));
    assertFilter(base + "&outcome=failed", List.of(all.get(4)));
    assertFilter(base + "&since=" + enc(afterBob.toString()), all.subList(0, 4));
    assertFilter(base + "&until=" + enc(afterBob.toString()), all.subList(4, 8));
    assertFilter(base + "&since=" + enc(afterBob.toString()) + "&until=" + enc(afterCarol.toString()), carols);
    // RFC 3339 with another offset names the same instant
    String inParis = afterBob.atOffset(ZoneOffset.ofHours(2)).toString();
    assertFilter(base + "&since=" + enc(inParis) + "&until=" + enc(afterCarol.toString()), carols);
    assertFilter(base + "&action=nothing", List.of());
    assertFilter("/v1/admin/audit?tenant_id=ten_01jzzzzzzzzzzzzzzzzzzzzzzz", List.of());
    assertEquals("stop", all.get(1).getString("action"));
    assertEquals("failed", all.get(4).getString("outcome"));

    // pages of any size serve the same entries in the same order
    for (int limit : List.of(1, 3, 7)) {
      assertEquals(all, allPages(node.admin(), base, limit));
    }
    JsonObject first = node.admin().get(base + "&limit=3").expect(200).json();
    assertEquals(8, first.getLong("total"));
    assertEquals(3, first.getJsonArray("items").size());
    List<JsonObject> firstItems = new ArrayList<>();
    first.getJsonArray("items").forEach(item -> firstItems.add((JsonObject) item));
    assertEquals(all.subList(0, 3), firstItems);

    for (String bad : List.of("since=yesterday", "until=2026-13-01T00:00:00Z", "since=2026-01-01", "limit=0",
        "limit=101", "limit=ten", "cursor=not-a-cursor", "cursor=" + enc("djF8eHx5"))) {
      String parameter = bad.substring(0, bad.indexOf('='));
      Api.Response refused = node.admin().get(base + "&" + bad).expectError(400, "invalid_argument");
      assertTrue(refused.json().getString("message").startsWith(parameter), refused::body);
    }
  }

  @Test
  void theLogNeverHoldsABearerToken() {
    String t = Fixtures.createTenant(node.admin(), "free").getString("id");
    String token = node.token(t, "dave");
    Api user = node.api(token);
    String id = Fixtures.runningNoop(user, "web");
    user.patch("/v1/instances/" + id, new JsonObject().put("env", new JsonObject().put("MODE", "x"))).expect(200);
    user.post("/v1/instances/" + id + "/start").expectError(409, "invalid_state");
    user.post("/v1/admin/tenants/" + t + "/suspend").expectError(403, "forbidden");
    node.admin().put("/v1/admin/tenants/" + t + "/quota", quota(1, 1, 1, 1, 1)).expect(200);
    user.post("/v1/instances", Fixtures.noopInstance("more")).expectError(429, "quota_exceeded");
    // a token sent where a request id goes is not a sane request id: it is replaced, never stored
    user.with("X-Request-Id", token).post("/v1/instances/" + id + "/stop?wait=20s").expect(200);

    String signature = token.substring(token.lastIndexOf('.') + 1);
    String adminSignature = node.adminToken().substring(node.adminToken().lastIndexOf('.') + 1);
    StringBuilder everything = new StringBuilder();
    String cursor = null;
    do {
      Api.Response page = node.admin().get("/v1/admin/audit?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
          .expect(200);
      everything.append(page.body());
      cursor = page.json().getString("next_cursor");
    } while (cursor != null);
    assertTrue(everything.toString().contains(t));
    for (String secret : List.of(token, signature, adminSignature, "Bearer")) {
      assertFalse(everything.toString().contains(secret), "the audit log holds " + secret);
      assertEquals(0, count(node.node(), "SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0", secret));
      assertEquals(0, count(node.node(), "SELECT count(*) FROM events e WHERE strpos(e::text, $1) > 0", secret));
    }
  }

  @Test
  void verifyRecomputesAChainAndNamesTheFirstTamperedEntry() {
    String t = Fixtures.createTenant(node.admin(), "pro").getString("id");
    Api user = node.api(node.token(t, "erin"));
    String id = Fixtures.runningNoop(user, "web");
    user.post("/v1/instances/" + id + "/stop?wait=20s").expect(200);
    user.post("/v1/instances/" + id + "/stop").expectError(409, "invalid_state");
    user.patch("/v1/instances/" + id, new JsonObject().put("name", "web2")).expect(200);
    long entries = count(node.node(), "SELECT count(*) FROM audit_log WHERE tenant_id = $1", t);
    assertEquals(5, entries);

    JsonObject valid = node.admin().get("/v1/admin/audit/verify?tenant_id=" + t).expect(200).json();
    assertEquals(new JsonObject().put("tenant_id", t).put("valid", true).put("entries_checked", entries)
        .put("first_invalid_id", null), valid);
    assertTrue(node.admin().get("/v1/admin/audit/verify").expect(200).json().getBoolean("valid"), "the system chain");

    // the table owner can get around the trigger; the chain shows it
    String third = AdminFixtures.rows(node.node(), "SELECT id FROM audit_log WHERE tenant_id = $1 ORDER BY seq", t)
        .get(2).getString("id");
    asOwner("UPDATE audit_log SET outcome = 'denied' WHERE id = $1", third);
    JsonObject broken = node.admin().get("/v1/admin/audit/verify?tenant_id=" + t).expect(200).json();
    assertFalse(broken.getBoolean("valid"));
    assertEquals(third, broken.getString("first_invalid_id"));
    assertEquals(2, broken.getLong("entries_checked"));

    // a removed entry breaks the link of the one after it
    String other = Fixtures.createTenant(node.admin(), "free").getString("id");
    node.admin().patch("/v1/admin/tenants/" + other, new JsonObject().put("name", "Other")).expect(200);
    node.admin().post("/v1/admin/tenants/" + other + "/suspend").expect(200);
    List<String> ids = AdminFixtures.rows(node.node(), "SELECT id FROM audit_log WHERE tenant_id = $1 ORDER BY seq",
        other).stream().map(r -> r.getString("id")).toList();
    assertEquals(3, ids.size());
    assertTrue(node.admin().get("/v1/admin/audit/verify?tenant_id=" + other).expect(200).json().getBoolean("valid"));
    asOwner("DELETE FROM audit_log WHERE id = $1", ids.get(1));
    JsonObject gap = node.admin().get("/v1/admin/audit/verify?tenant_id=" + other).expect(200).json();
    assertFalse(gap.getBoolean("valid"));
    assertEquals(ids.get(2), gap.getString("first_invalid_id"));

    // an edited detail is caught as well
    String fresh = Fixtures.createTenant(node.admin(), "free").getString("id");
    asOwner("UPDATE audit_log SET details = '{\"slug\": \"forged\"}' WHERE tenant_id = $1", fresh);
    JsonObject forged = node.admin().get("/v1/admin/audit/verify?tenant_id=" + fresh).expect(200).json();
    assertFalse(forged.getBoolean("valid"));
    assertEquals(0, forged.getLong("entries_checked"));
  }

  @Test
  void concurrentWritesKeepEachChainValid() throws Exception {
    String t = Fixtures.createTenant(node.admin(), "pro").getString("id");
    Api user = node.api(node.token(t, "frank"));
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<Api.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String name = "parallel " + i;
        calls.add(pool.submit(() -> user.post("/v1/instances", Fixtures.noopInstance(name))));
      }
      for (Future<Api.Response> call : calls) {
        call.get(60, TimeUnit.SECONDS).expect(201);
      }
    } finally {
      pool.shutdownNow();
    }
    JsonObject verified = node.admin().get("/v1/admin/audit/verify?tenant_id=" + t).expect(200).json();
    assertTrue(verified.getBoolean("valid"), verified::encode);
    assertEquals(13, verified.getLong("entries_checked"));
  }

  @Test
  void anOperatorsRefusedInstanceCallIsAuditedUnderTheInstancesTenant() {
    String tenantId = node.tenant();
    Api user = node.api(node.token(tenantId, "alice"));
    String id = Fixtures.stoppedNoop(user, "refused-by-operator");
    String requestId = "req-" + UUID.randomUUID();
    node.admin().with("X-Request-Id", requestId).post("/v1/instances/" + id + "/stop")
        .expectError(409, "invalid_state");
    JsonObject entry = node.admin().get("/v1/admin/audit?action=stop&resource_id=" + id).expect(200)
        .json().getJsonArray("items").getJsonObject(0);
    assertEquals(requestId, entry.getString("request_id"));
    assertEquals("failed", entry.getString("outcome"));
    assertEquals("operator", entry.getString("actor_id"));
    assertEquals(tenantId, entry.getString("tenant_id"), "filed in the chain of the tenant that owns the instance");
  }

  @Test
  void theStoreRefusesToRewriteTheLog() {
    Fixtures.createTenant(node.admin(), "free");
    long before = count(node.node(), "SELECT count(*) FROM audit_log");
    assertTrue(before > 0);
    for (String sql : List.of("UPDATE audit_log SET outcome = 'success'", "DELETE FROM audit_log",
        "TRUNCATE audit_log")) {
      PgException refused = assertThrows(PgException.class,
          () -> Futures.await(node.plane().pool().query(sql).execute()), sql);
      assertTrue(refused.getMessage().contains("append-only"), refused::getMessage);
    }
    assertEquals(before, count(node.node(), "SELECT count(*) FROM audit_log"));
  }

  private static void assertFilter(String path, List<JsonObject> expected) {
    assertEquals(expected, allPages(node.admin(), path, 2), path);
  }

  /** Runs a statement as the table owner with the append-only trigger off, as an attacker with that power could. */
  private static void asOwner(String sql, String param) {
    Futures.await(node.plane().pool().withTransaction(conn -> conn
        .query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").execute()
        .compose(off -> conn.preparedQuery(sql).execute(Tuple.of(param)))
        .compose(done -> conn.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only").execute())));
  }
}
