package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenant scoping (SPEC §3) on instances: another tenant's instance does not exist for you (404, indistinguishable
 * from a missing one), lists are your own, and only operators may name a tenant.
 */
class InstanceTenancyTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void anotherTenantsInstanceIs404ForEveryCallAndStaysUntouched() {
    Api a = node.tenantApi();
    Api b = node.tenantApi();
    String id = Fixtures.runningNoop(a, "Private");
    JsonObject before = a.get("/v1/instances/" + id).expect(200).json();
    String path = "/v1/instances/" + id;

    List<Api.Response> refused = List.of(
        b.get(path),
        b.patch(path, new JsonObject().put("name", "Stolen")),
        b.delete(path),
        b.post(path + "/start"),
        b.post(path + "/stop"),
        b.post(path + "/restart"),
        b.post(path + "/scale", new JsonObject().put("resources", new JsonObject().put("replicas", 2))),
        b.post(path + "/suspend"),
        b.post(path + "/unsuspend"),
        b.post(path + "/stop?wait=5s"));

    String missingMessage = b.get("/v1/instances/inst_01m8kvn9bmfg6bg1bsfdzgv12d").expectError(404, "not_found")
        .json().getString("message");
    for (Api.Response response : refused) {
      response.expectError(404, "not_found");
      assertEquals(missingMessage.replace("inst_01m8kvn9bmfg6bg1bsfdzgv12d", id), response.json().getString("message"),
          "the same answer as for an instance that does not exist");
    }
    assertEquals(before, a.get(path).expect(200).json());
  }

  @Test
  void listShowsOnlyYourOwnInstances() {
    Api a = node.tenantApi();
    Api b = node.tenantApi();
    String inA = a.post("/v1/instances", Fixtures.noopInstance("Mine")).expect(201).id();
    String inB = b.post("/v1/instances", Fixtures.noopInstance("Mine")).expect(201).id();

    JsonObject pageA = a.get("/v1/instances").expect(200).json();
    JsonObject pageB = b.get("/v1/instances").expect(200).json();

    assertEquals(Set.of(inA), ids(pageA));
    assertEquals(1, pageA.getLong("total"));
    assertEquals(Set.of(inB), ids(pageB));
    assertEquals(1, pageB.getLong("total"));
  }

  @Test
  void aTenantCannotListAnotherTenantByNamingIt() {
    Api a = node.tenantApi();
    String other = node.tenant();
    a.get("/v1/instances?tenant_id=" + other).expectError(403, "forbidden");
    String own = a.post("/v1/instances", Fixtures.noopInstance("Own")).expect(201).id();
    String ownTenant = a.get("/v1/instances/" + own).expect(200).json().getString("tenant_id");
    assertEquals(Set.of(own), ids(a.get("/v1/instances?tenant_id=" + ownTenant).expect(200).json()));
  }

  @Test
  void operatorSeesAndActsOnEveryTenant() {
    String tenantA = node.tenant();
    String tenantB = node.tenant();
    Api a = node.api(node.token(tenantA, "alice"));
    Api b = node.api(node.token(tenantB, "bob"));
    String inA = Fixtures.runningNoop(a, "Seen By Operator");
    String inB = Fixtures.runningNoop(b, "Also Seen");

    assertEquals(tenantA, node.admin().get("/v1/instances/" + inA).expect(200).json().getString("tenant_id"));
    Set<String> all = new HashSet<>();
    String cursor = null;
    do {
      JsonObject page = node.admin().get("/v1/instances?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
          .expect(200).json();
      all.addAll(ids(page));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertTrue(all.containsAll(Set.of(inA, inB)), all::toString);
    assertEquals(Set.of(inA), ids(node.admin().get("/v1/instances?tenant_id=" + tenantA).expect(200).json()));
    assertEquals("stopped", node.admin().post("/v1/instances/" + inB + "/stop?wait=10s").expect(200).json()
        .getString("state"));
  }

  @Test
  void operatorCreatesForTheTenantNamedInTheBody() {
    String tenant = node.tenant();
    Api user = node.api(node.token(tenant, "alice"));

    JsonObject created = node.admin().post("/v1/instances", Fixtures.noopInstance("Made By Operator")
        .put("tenant_id", tenant)).expect(201).json();

    assertEquals(tenant, created.getString("tenant_id"));
    assertEquals(Set.of(created.getString("id")), ids(user.get("/v1/instances").expect(200).json()));
  }

  @Test
  void operatorMustNameAnExistingTenantToCreate() {
    Api.Response none = node.admin().post("/v1/instances", Fixtures.noopInstance("Nobodys"))
        .expectError(400, "invalid_argument");
    assertTrue(none.json().getString("message").startsWith("tenant_id"), none::body);
    Api.Response unknown = node.admin().post("/v1/instances",
        Fixtures.noopInstance("Nobodys").put("tenant_id", "ten_01m8kvn1ymee08wap7xkc39586")).expectError(400, "invalid_argument");
    assertTrue(unknown.json().getString("message").startsWith("tenant_id"), unknown::body);
  }

  @Test
  void aTenantNamingAnotherTenantInTheBodyIs403AndCreatesNothing() {
    Api a = node.tenantApi();
    String other = node.tenant();

    a.post("/v1/instances", Fixtures.noopInstance("Planted").put("tenant_id", other)).expectError(403, "forbidden");

    assertEquals(0, a.get("/v1/instances").expect(200).json().getLong("total"));
    assertEquals(0, node.admin().get("/v1/instances?tenant_id=" + other).expect(200).json().getLong("total"));
  }

  @Test
  void aTenantNamingItselfInTheBodyIsFine() {
    String tenant = node.tenant();
    Api a = node.api(node.token(tenant, "alice"));
    a.post("/v1/instances", Fixtures.noopInstance("Self Named").put("tenant_id", tenant)).expect(201);
  }

  @Test
  void aSuspendedTenantCanReadButNotWrite() {
    String tenant = node.tenant();
    Api a = node.api(node.token(tenant, "alice"));
    String id = Fixtures.runningNoop(a, "Frozen");
    node.admin().post("/v1/admin/tenants/" + tenant + "/suspend", new JsonObject().put("reason", "unpaid")).expect(200);
    a.awaitState(id, "suspended", 30);

    a.get("/v1/instances/" + id).expect(200);
    a.get("/v1/instances").expect(200);
    a.post("/v1/instances", Fixtures.noopInstance("Another")).expectError(403, "forbidden");
    a.patch("/v1/instances/" + id, new JsonObject().put("name", "Thawed")).expectError(403, "forbidden");
    a.post("/v1/instances/" + id + "/unsuspend").expectError(403, "forbidden");
    a.delete("/v1/instances/" + id).expectError(403, "forbidden");
    assertEquals(1, a.get("/v1/instances").expect(200).json().getLong("total"));
    assertEquals("suspended", a.get("/v1/instances/" + id).expect(200).json().getString("state"));
  }

  @Test
  void anOperatorMayStillDeleteASuspendedTenantsInstances() {
    String tenant = node.tenant();
    Api a = node.api(node.token(tenant, "alice"));
    String id = Fixtures.runningNoop(a, "Evicted");
    node.admin().post("/v1/admin/tenants/" + tenant + "/suspend", new JsonObject().put("reason", "abuse")).expect(200);
    a.awaitState(id, "suspended", 30);

    node.admin().delete("/v1/instances/" + id + "?wait=10s").expect(204);

    a.get("/v1/instances/" + id).expectError(404, "not_found");
  }

  static Set<String> ids(JsonObject page) {
    JsonArray items = page.getJsonArray("items");
    return items.stream().map(i -> ((JsonObject) i).getString("id")).collect(Collectors.toSet());
  }
}
