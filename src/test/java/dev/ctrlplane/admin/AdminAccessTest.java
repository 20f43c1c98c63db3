package dev.ctrlplane.admin;

import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every /v1/admin route: operators only (SPEC §3, §10). Others get 403, and anonymous callers 401. */
class AdminAccessTest {

  /** One admin route: method, path ({id} is the target tenant), body, the operator's status, and its audit action. */
  record Route(String method, String path, JsonObject body, int operatorStatus, String auditAction) {

    boolean mutating() {
      return auditAction != null;
    }

    Api.Response call(Api api, String tenantId) {
      return api.send(method, path.replace("{id}", tenantId), body == null ? null : body.encode());
    }
  }

  /** In an order an operator can run them one after the other on one tenant. */
  static List<Route> routes(String newSlug) {
    return List.of(
        new Route("POST", "/v1/admin/tenants", new JsonObject().put("name", newSlug).put("slug", newSlug), 201,
            "create"),
        new Route("GET", "/v1/admin/tenants", null, 200, null),
        new Route("GET", "/v1/admin/tenants?status=active", null, 200, null),
        new Route("GET", "/v1/admin/tenants/{id}", null, 200, null),
        new Route("PATCH", "/v1/admin/tenants/{id}", new JsonObject().put("name", "Renamed"), 200, "update"),
        new Route("GET", "/v1/admin/tenants/{id}/quota", null, 200, null),
        new Route("PUT", "/v1/admin/tenants/{id}/quota", quota(9, 9000, 9000, 9, 9), 200, "update_quota"),
        new Route("POST", "/v1/admin/tenants/{id}/suspend", new JsonObject().put("reason", "audit"), 200, "suspend"),
        new Route("POST", "/v1/admin/tenants/{id}/unsuspend", null, 200, "unsuspend"),
        new Route("GET", "/v1/admin/audit", null, 200, null),
        new Route("GET", "/v1/admin/audit/verify?tenant_id={id}", null, 200, null),
        new Route("GET", "/v1/admin/stats", null, 200, null),
        new Route("GET", "/v1/admin/providers", null, 200, null),
        new Route("DELETE", "/v1/admin/tenants/{id}", null, 204, "delete"));
  }

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static String ownTenant;

  @BeforeAll
  static void ownTenant() {
    ownTenant = Fixtures.createTenant(node.admin(), "free").getString("id");
  }

  @Test
  void aTenantTokenIsForbiddenOnEveryRouteAndTheRefusedChangesAreAuditedAsDenied() {
    JsonObject target = Fixtures.createTenant(node.admin(), "pro");
    String actor = "mallory-" + UUID.randomUUID();
    Api mallory = node.api(node.token(ownTenant, actor));
    Map<String, String> requestIds = new HashMap<>();
    String slug = Fixtures.uniqueSlug("denied");

    for (Route route : routes(slug)) {
      String requestId = "deny-" + UUID.randomUUID();
      route.call(mallory.with("X-Request-Id", requestId), target.getString("id")).expectError(403, "forbidden");
      if (route.mutating()) {
        requestIds.put(route.auditAction(), requestId);
      }
    }

    // nothing changed
    JsonObject after = node.admin().get("/v1/admin/tenants/" + target.getString("id")).expect(200).json();
    assertEquals(target, after);
    assertEquals(0, AdminFixtures.count(node.node(), "SELECT count(*) FROM tenants WHERE slug = $1", slug));

    // one denied entry per refused change, none for the refused reads
    List<JsonObject> entries = AdminFixtures.allPages(node.admin(), "/v1/admin/audit?actor_id=" + actor, 100);
    assertEquals(requestIds.size(), entries.size(), entries::toString);
    for (JsonObject entry : entries) {
      String action = entry.getString("action");
      assertTrue(requestIds.containsKey(action), () -> "unexpected entry " + entry);
      assertEquals(requestIds.get(action), entry.getString("request_id"));
      assertEquals("denied", entry.getString("outcome"));
      assertEquals("tenant", entry.getString("resource"));
      assertEquals(ownTenant, entry.getString("tenant_id"));
      assertEquals(action.equals("create") ? null : target.getString("id"), entry.getString("resource_id"));
      assertEquals("forbidden", entry.getJsonObject("details").getString("code"));
    }
  }

  @Test
  void rolesOtherThanSystemAdminAreForbidden() {
    String almostAdmin = node.sign(new JsonObject().put("sub", "eve").put("tenant_id", ownTenant)
        .put("roles", new JsonArray().add("admin").add("system:operator").add("SYSTEM:ADMIN")), 3600);
    for (Route route : routes(Fixtures.uniqueSlug("almost"))) {
      route.call(node.api(almostAdmin), ownTenant).expectError(403, "forbidden");
    }
    assertEquals("active", node.admin().get("/v1/admin/tenants/" + ownTenant).expect(200).json().getString("status"));
  }

  @Test
  void noTokenOrABadTokenIsUnauthorizedOnEveryRoute() {
    JsonObject target = Fixtures.createTenant(node.admin(), "free");
    String expired = node.sign(new JsonObject().put("sub", "operator")
        .put("roles", new JsonArray().add("system:admin")), -60);
    String wronglySigned = node.adminToken().substring(0, node.adminToken().length() - 4) + "AAAA";
    for (Route route : routes(Fixtures.uniqueSlug("anonymous"))) {
      Api.Response anonymous = route.call(node.api(null), target.getString("id")).expectError(401, "unauthorized");
      assertEquals("Bearer", anonymous.header("WWW-Authenticate").orElse(null));
      route.call(node.api(expired), target.getString("id")).expectError(401, "unauthorized");
      route.call(node.api(wronglySigned), target.getString("id")).expectError(401, "unauthorized");
      route.call(node.api("not-a-jwt"), target.getString("id")).expectError(401, "unauthorized");
    }
    assertEquals(target, node.admin().get("/v1/admin/tenants/" + target.getString("id")).expect(200).json());
  }

  @Test
  void anOperatorSucceedsOnEveryRoute() {
    JsonObject target = Fixtures.createTenant(node.admin(), "free");
    for (Route route : routes(Fixtures.uniqueSlug("operator"))) {
      route.call(node.admin(), target.getString("id")).expect(route.operatorStatus());
    }
    node.admin().get("/v1/admin/tenants/" + target.getString("id")).expectError(404, "not_found");
    // an operator token that also names a tenant is still an operator
    String tenantOperator = node.sign(new JsonObject().put("sub", "ops").put("tenant_id", ownTenant)
        .put("roles", new JsonArray().add("system:admin")), 3600);
    JsonObject other = Fixtures.createTenant(node.admin(), "free");
    for (Route route : routes(Fixtures.uniqueSlug("operator"))) {
      route.call(node.api(tenantOperator), other.getString("id")).expect(route.operatorStatus());
    }
  }
}
