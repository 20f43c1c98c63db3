package dev.ctrlplane.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The routes API (SPEC §8): add, list, patch with If-Match, delete; validation, tenancy, events, audit. */
class RouteApiTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  static String instanceWithPorts(Api api, String name) {
    JsonObject body = Fixtures.noopInstance(Fixtures.uniqueName(name)).put("ports", new JsonArray()
        .add(new JsonObject().put("container_port", 8080).put("protocol", "http"))
        .add(new JsonObject().put("container_port", 9090).put("protocol", "tcp")));
    String id = api.post("/v1/instances", body).expect(201).id();
    api.awaitState(id, "running", 30);
    return id;
  }

  @Test
  void aRouteIsAddedWithDefaultsListedPatchedAndDeleted() {
    Api api = node.tenantApi();
    String id = instanceWithPorts(api, "web");
    String path = "/v1/instances/" + id + "/routes";
    assertEquals(new JsonArray(), api.get(path).expect(200).array(), "no routes is []");

    JsonObject route = api.post(path, new JsonObject().put("path", "/api/")).expect(201).json();
    assertEquals(Set.of("id", "tenant_id", "instance_id", "path", "port", "protocol", "weight", "strip_prefix",
        "hostname", "version", "created_at", "updated_at"), route.fieldNames());
    assertTrue(route.getString("id").startsWith("rte_"));
    assertEquals("/api", route.getString("path"), "a trailing / is dropped");
    assertEquals(8080, route.getInteger("port"), "the first http port by default");
    assertEquals("http", route.getString("protocol"));
    assertEquals(100, route.getInteger("weight"));
    assertEquals(false, route.getBoolean("strip_prefix"));
    assertNull(route.getString("hostname"));
    assertEquals(1, route.getInteger("version"));

    JsonArray listed = api.get(path).expect(200).array();
    assertEquals(List.of(route.getString("id")), listed.stream().map(o -> ((JsonObject) o).getString("id")).toList());

    String routePath = "/v1/routes/" + route.getString("id");
    api.with("If-Match", "\"7\"").patch(routePath, new JsonObject().put("weight", 5))
        .expectError(412, "precondition_failed");
    Api.Response patched = api.with("If-Match", "\"1\"").patch(routePath, new JsonObject().put("weight", 5)
        .put("strip_prefix", true).put("port", 9090)).expect(200);
    assertEquals("\"2\"", patched.header("ETag").orElseThrow());
    JsonObject after = patched.json();
    assertEquals(5, after.getInteger("weight"));
    assertEquals(true, after.getBoolean("strip_prefix"));
    assertEquals(9090, after.getInteger("port"));
    assertEquals("/api", after.getString("path"), "absent fields stay");
    assertEquals(2, after.getInteger("version"));

    api.delete(routePath).expect(204);
    api.delete(routePath).expectError(404, "not_found");
    assertEquals(new JsonArray(), api.get(path).expect(200).array());
  }

  @Test
  void badInputIs400NamingTheField() {
    Api api = node.tenantApi();
    String id = instanceWithPorts(api, "web");
    String path = "/v1/instances/" + id + "/routes";
    expectField(api.post(path, new JsonObject()), "path");
    expectField(api.post(path, new JsonObject().put("path", "api")), "path");
    expectField(api.post(path, new JsonObject().put("path", "/a b")), "path");
    expectField(api.post(path, new JsonObject().put("path", "/a/../b")), "path");
    expectField(api.post(path, new JsonObject().put("path", 3)), "path");
    expectField(api.post(path, new JsonObject().put("path", "/").put("port", 1234)), "port");
    expectField(api.post(path, new JsonObject().put("path", "/").put("port", "8080")), "port");
    expectField(api.post(path, new JsonObject().put("path", "/").put("weight", 101)), "weight");
    expectField(api.post(path, new JsonObject().put("path", "/").put("weight", -1)), "weight");
    expectField(api.post(path, new JsonObject().put("path", "/").put("protocol", "tcp")), "protocol");
    expectField(api.post(path, new JsonObject().put("path", "/").put("strip_prefix", "yes")), "strip_prefix");
    expectField(api.post(path, new JsonObject().put("path", "/").put("hostname", "bad_host")), "hostname");
    expectField(api.post(path, new JsonObject().put("path", "/").put("hostname", "victim.example.com")), "hostname");
    String route = api.post(path, new JsonObject().put("path", "/ok")).expect(201).id();
    expectField(api.patch("/v1/routes/" + route, new JsonObject().put("weight", 1.5)), "weight");
    expectField(api.patch("/v1/routes/" + route, new JsonObject().put("path", "")), "path");
    api.post(path, new JsonObject().put("path", "/ok/")).expectError(409, "already_exists");
  }

  private static void expectField(Api.Response response, String field) {
    String message = response.expectError(400, "invalid_argument").json().getString("message");
    assertTrue(message.startsWith(field + ":"), message);
  }

  @Test
  void anotherTenantsInstanceAndRoutesAre404AndItsHostsCannotBeClaimed() {
    Api owner = node.tenantApi();
    Api other = node.tenantApi();
    String id = instanceWithPorts(owner, "web");
    String route = owner.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/")).expect(201).id();
    other.get("/v1/instances/" + id + "/routes").expectError(404, "not_found");
    other.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/x")).expectError(404, "not_found");
    other.patch("/v1/routes/" + route, new JsonObject().put("weight", 1)).expectError(404, "not_found");
    other.delete("/v1/routes/" + route).expectError(404, "not_found");
    owner.delete("/v1/routes/rte_notanid").expectError(404, "not_found");
    owner.get("/v1/instances/inst_notanid/routes").expectError(404, "not_found");

    String ownerSlug = slugOf(node, owner, id);
    String otherId = instanceWithPorts(other, "web");
    Api.Response claim = other.post("/v1/instances/" + otherId + "/routes", new JsonObject().put("path", "/")
        .put("hostname", "web." + ownerSlug + ".localhost"));
    assertTrue(claim.expectError(400, "invalid_argument").json().getString("message").startsWith("hostname:"));
  }

  /** The slug of the tenant that owns the instance. */
  static String slugOf(NodeExtension node, Api api, String instanceId) {
    String tenantId = api.get("/v1/instances/" + instanceId).expect(200).json().getString("tenant_id");
    return node.admin().get("/v1/admin/tenants/" + tenantId).expect(200).json().getString("slug");
  }

  @Test
  void writesEmitRouteEventsAndAuditEntries() {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    String id = instanceWithPorts(api, "web");
    try (EventTap added = EventTap.on(node.node(), "ctrlplane.events.route.added");
         EventTap updated = EventTap.on(node.node(), "ctrlplane.events.route.updated");
         EventTap removed = EventTap.on(node.node(), "ctrlplane.events.route.removed")) {
      String route = api.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/a")).expect(201).id();
      api.patch("/v1/routes/" + route, new JsonObject().put("weight", 50)).expect(200);
      api.delete("/v1/routes/" + route).expect(204);
      JsonObject first = added.next(e -> true, 10);
      assertEquals(route, first.getString("resource_id"));
      assertEquals(id, first.getString("instance_id"));
      assertEquals("/a", first.getJsonObject("data").getString("path"));
      assertEquals(50, updated.next(e -> true, 10).getJsonObject("data").getInteger("weight"));
      assertEquals(route, removed.next(e -> true, 10).getJsonObject("data").getString("id"));
    }
    JsonArray audit = node.admin().get("/v1/admin/audit?resource=route&tenant_id=" + tenantId).expect(200).json()
        .getJsonArray("items");
    assertEquals(List.of("delete", "update", "create"),
        audit.stream().map(o -> ((JsonObject) o).getString("action")).toList());
  }

  @Test
  void aSuspendedTenantCanListButNotWriteRoutes() {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    String id = instanceWithPorts(api, "web");
    String route = api.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/a")).expect(201).id();
    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend", new JsonObject()).expect(200);
    api.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/b")).expectError(403, "forbidden");
    api.patch("/v1/routes/" + route, new JsonObject().put("weight", 1)).expectError(403, "forbidden");
    api.delete("/v1/routes/" + route).expectError(403, "forbidden");
    assertEquals(1, api.get("/v1/instances/" + id + "/routes").expect(200).array().size());
    node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend", new JsonObject()).expect(200);
  }
}
