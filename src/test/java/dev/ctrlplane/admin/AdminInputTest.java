package dev.ctrlplane.admin;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on every admin endpoint: malformed JSON, wrong types, out-of-range values are a 400 naming the field (or
 * query parameter), and nothing changes: not the tenants, not the audit log.
 */
class AdminInputTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  JsonObject tenant;
  String path;
  String before;

  @BeforeEach
  void aTenant() {
    tenant = Fixtures.createTenant(node.admin(), "free");
    path = "/v1/admin/tenants/" + tenant.getString("id");
    before = snapshot();
  }

  @Test
  void createRejectsEachBadFieldByName() {
    String slug = Fixtures.uniqueSlug("bad");
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("{\"name\":", "body");
    bodies.put("[{\"name\": \"x\"}]", "body");
    bodies.put("\"tenant\"", "body");
    bodies.put("{}", "name");
    bodies.put("{\"name\": 5}", "name");
    bodies.put("{\"name\": \"\"}", "name");
    bodies.put("{\"name\": \"   \"}", "name");
    bodies.put("{\"name\": \"" + "n".repeat(101) + "\"}", "name");
    bodies.put("{\"name\": \"a\\u0000b\", \"slug\": \"" + slug + "\"}", "name");
    bodies.put("{\"name\": \"!\"}", "slug");
    bodies.put("{\"name\": \"ok\", \"slug\": [\"" + slug + "\"]}", "slug");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"plan\": 7}", "plan");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"plan\": \"\"}", "plan");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"metadata\": \"x\"}", "metadata");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"metadata\": [1]}", "metadata");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"metadata\": {\"big\": \"" + "m".repeat(17_000)
        + "\"}}", "metadata");
    bodies.put("{\"name\": \"ok\", \"slug\": \"" + slug + "\", \"metadata\": {\"k\": \"a\\u0000b\"}}", "metadata");
    bodies.forEach((body, field) -> assertNamed(node.admin().send("POST", "/v1/admin/tenants", body), field));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM tenants WHERE slug = $1", slug));
    assertUnchanged();
  }

  @Test
  void patchRejectsEachBadFieldByName() {
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("{\"name\": \"x\"", "body");
    bodies.put("[]", "body");
    bodies.put("{\"name\": 5}", "name");
    bodies.put("{\"name\": \"\"}", "name");
    bodies.put("{\"name\": \"a\\u0000b\"}", "name");
    bodies.put("{\"slug\": \"BAD\"}", "slug");
    bodies.put("{\"slug\": \"x\"}", "slug");
    bodies.put("{\"plan\": \"gold\"}", "plan");
    bodies.put("{\"plan\": 1}", "plan");
    bodies.put("{\"metadata\": \"x\"}", "metadata");
    bodies.put("{\"metadata\": {\"k\": \"\\u0000\"}}", "metadata");
    bodies.put("{\"metadata\": {\"a\\u0000b\": \"v\"}}", "metadata");
    bodies.put("{\"name\": \"fine\", \"plan\": \"gold\"}", "plan");
    bodies.forEach((body, field) -> assertNamed(node.admin().send("PATCH", path, body), field));
    assertNamed(node.admin().with("If-Match", "not-an-etag").patch(path, new JsonObject().put("name", "fine")),
        "If-Match");
    assertUnchanged();
  }

  @Test
  void suspendAndUnsuspendRejectBadBodies() {
    assertNamed(node.admin().send("POST", path + "/suspend", "{\"reason\": 5}"), "reason");
    assertNamed(node.admin().send("POST", path + "/suspend", "{\"reason\": \"" + "r".repeat(501) + "\"}"), "reason");
    assertNamed(node.admin().send("POST", path + "/suspend", "{\"reason\": "), "body");
    assertUnchanged();

    node.admin().post(path + "/suspend").expect(200);
    before = snapshot();
    assertNamed(node.admin().send("POST", path + "/unsuspend", "{\"oops"), "body");
    assertUnchanged();
    assertEquals("suspended", node.admin().get(path).expect(200).json().getString("status"));
  }

  @Test
  void putQuotaRejectsEachBadLimitByName() {
    JsonObject quotaBefore = node.admin().get(path + "/quota").expect(200).json();
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("{\"max_instances\": ", "body");
    bodies.put("[1, 2, 3, 4, 5]", "body");
    bodies.put("{}", "max_instances");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_instances", true).encode(), "max_instances");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_cpu_millis", new JsonObject()).encode(), "max_cpu_millis");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_memory_mb", -5).encode(), "max_memory_mb");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_domains", 1.5).encode(), "max_domains");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_secrets", 3_000_000_000L).encode(), "max_secrets");
    bodies.put(quota(1, 1, 1, 1, 1).put("max_secrets", "10").encode(), "max_secrets");
    bodies.forEach((body, field) -> assertNamed(node.admin().send("PUT", path + "/quota", body), field));
    assertEquals(quotaBefore, node.admin().get(path + "/quota").expect(200).json());
    assertUnchanged();
  }

  @Test
  void listAuditAndVerifyRejectBadQueryParameters() {
    for (String query : List.of("limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "cursor=%25%25",
        "cursor=bm9wZQ", "status=frozen", "status=ACTIVE")) {
      assertNamed(node.admin().get("/v1/admin/tenants?" + query), query.substring(0, query.indexOf('=')));
    }
    for (String query : List.of("limit=0", "limit=1000", "cursor=bm9wZQ", "since=2026-02-30T00:00:00Z",
        "since=1700000000", "until=tomorrow", "until=2026-01-01T25:00:00Z")) {
      assertNamed(node.admin().get("/v1/admin/audit?" + query), query.substring(0, query.indexOf('=')));
    }
    assertNamed(node.admin().get("/v1/admin/audit?actor_id=a%00b"), "actor_id");
    assertNamed(node.admin().get("/v1/admin/tenants?status=active%00"), "status");
    for (String tenantId : List.of("nope", "inst_01jd8k3v4x5y6z7a8b9c0d1e2f", "ten_123")) {
      assertNamed(node.admin().get("/v1/admin/audit/verify?tenant_id=" + tenantId), "tenant_id");
    }
    assertUnchanged();
  }

  @Test
  void oversizedNonJsonOrWrongMethodRequestsAreRefused() {
    String huge = "{\"name\": \"" + "x".repeat(1024 * 1024) + "\"}";
    node.admin().send("POST", "/v1/admin/tenants", huge).expectError(413, "payload_too_large");
    node.admin().with("Content-Type", "text/plain").send("POST", "/v1/admin/tenants", "{\"name\": \"plain\"}")
        .expectError(415, "unsupported_media_type");
    node.admin().send("PUT", "/v1/admin/stats", "{}").expectError(405, "method_not_allowed");
    node.admin().send("POST", path + "/quota", quota(1, 1, 1, 1, 1).encode()).expectError(405, "method_not_allowed");
    node.admin().get("/v1/admin/nothing-here").expectError(404, "not_found");
    assertUnchanged();
  }

  private static void assertNamed(Api.Response response, String field) {
    response.expectError(400, "invalid_argument");
    String message = response.json().getString("message");
    assertTrue(message.startsWith(field + ":") || message.startsWith(field + ".") || message.startsWith(field + " "),
        () -> response.request() + " -> " + message + " (expected it to name " + field + ")");
  }

  private void assertUnchanged() {
    assertEquals(before, snapshot(), "a refused request changed the store");
  }

  /** The tenant as the API shows it, every tenant's version, and how many audit entries and events exist. */
  private String snapshot() {
    StringBuilder state = new StringBuilder(node.admin().get(path).expect(200).body()).append('\n');
    AdminFixtures.rows(node.node(), "SELECT id, version, status FROM tenants ORDER BY id").forEach(row ->
        state.append(row.getString("id")).append('@').append(row.getInteger("version")).append(row.getString("status"))
            .append('\n'));
    state.append("audit=").append(count(node.node(), "SELECT count(*) FROM audit_log"));
    state.append(" events=").append(count(node.node(), "SELECT count(*) FROM events"));
    return state.toString();
  }
}
