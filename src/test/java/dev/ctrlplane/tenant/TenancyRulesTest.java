package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instances exist only for an existing, active tenant; a suspended tenant is read-only (SPEC §3). */
class TenancyRulesTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void aTokenForATenantThatDoesNotExistCannotCreateInstances() {
    for (String tenantId : List.of(TypeId.generate("ten"), "nope", "ten_" + "0".repeat(26))) {
      Api ghost = node.api(node.token(tenantId, "ghost"));
      Api.Response refused = ghost.post("/v1/instances", Fixtures.noopInstance("web")).expectError(400, "invalid_argument");
      assertTrue(refused.json().getString("message").startsWith("tenant_id"), refused::body);
      assertEquals(0, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", tenantId));
    }
    // nor can an operator for it
    String unknown = TypeId.generate("ten");
    node.admin().post("/v1/instances", Fixtures.noopInstance("web").put("tenant_id", unknown))
        .expectError(400, "invalid_argument");
    assertEquals(0, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", unknown));
  }

  @Test
  void aDeletedTenantsTokenCannotCreateInstances() {
    String tenantId = Fixtures.createTenant(node.admin(), "free").getString("id");
    node.admin().delete("/v1/admin/tenants/" + tenantId).expect(204);
    node.api(node.token(tenantId, "late")).post("/v1/instances", Fixtures.noopInstance("web"))
        .expectError(400, "invalid_argument");
  }

  @Test
  void aTenantUserCannotActForAnotherTenant() {
    String mine = Fixtures.createTenant(node.admin(), "free").getString("id");
    String theirs = Fixtures.createTenant(node.admin(), "free").getString("id");
    Api user = node.api(node.token(mine, "alice"));
    user.post("/v1/instances", Fixtures.noopInstance("web").put("tenant_id", theirs)).expectError(403, "forbidden");
    assertEquals(0, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", theirs));
    String theirInstance = Fixtures.runningNoop(node.api(node.token(theirs, "bob")), "web");
    user.get("/v1/instances/" + theirInstance).expectError(404, "not_found");
    user.post("/v1/instances/" + theirInstance + "/stop").expectError(404, "not_found");
  }

  @Test
  void aSuspendedTenantIsReadOnlyForItsUsers() {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    String actor = "alice-" + UUID.randomUUID();
    Api user = node.api(node.token(tenantId, actor));
    String running = Fixtures.runningNoop(user, "web");
    String stopped = Fixtures.stoppedNoop(user, "worker");

    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend", new JsonObject().put("reason", "unpaid"))
        .expect(200);
    user.awaitState(running, "suspended", 30);
    JsonObject runningBefore = user.get("/v1/instances/" + running).expect(200).json();
    JsonObject stoppedBefore = user.get("/v1/instances/" + stopped).expect(200).json();
    long instancesBefore = count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", tenantId);

    List<Api.Response> refused = List.of(
        user.post("/v1/instances", Fixtures.noopInstance("new")),
        user.patch("/v1/instances/" + stopped, new JsonObject().put("name", "renamed")),
        user.patch("/v1/instances/" + running, new JsonObject().put("labels", new JsonObject().put("a", "b"))),
        user.post("/v1/instances/" + stopped + "/start"),
        user.post("/v1/instances/" + running + "/stop"),
        user.post("/v1/instances/" + running + "/restart"),
        user.post("/v1/instances/" + stopped + "/scale",
            new JsonObject().put("resources", new JsonObject().put("replicas", 2))),
        user.post("/v1/instances/" + stopped + "/scale",
            new JsonObject().put("resources", new JsonObject().put("replicas", 1))),
        user.post("/v1/instances/" + stopped + "/suspend"),
        user.post("/v1/instances/" + running + "/unsuspend"),
        user.delete("/v1/instances/" + stopped),
        user.delete("/v1/instances/" + running));
    for (Api.Response response : refused) {
      response.expectError(403, "forbidden");
      assertTrue(response.json().getString("message").contains("suspended"), response::body);
    }

    // reads still work, and nothing changed
    assertEquals(runningBefore, user.get("/v1/instances/" + running).expect(200).json());
    assertEquals(stoppedBefore, user.get("/v1/instances/" + stopped).expect(200).json());
    assertEquals(instancesBefore, user.get("/v1/instances").expect(200).json().getLong("total"));
    assertEquals(instancesBefore, count(node.node(), "SELECT count(*) FROM instances WHERE tenant_id = $1", tenantId));

    // every refusal was audited as denied
    List<JsonObject> denied = AdminFixtures.allPages(node.admin(),
        "/v1/admin/audit?actor_id=" + actor + "&outcome=denied", 100);
    assertEquals(refused.size(), denied.size(), denied::toString);
    assertTrue(denied.stream().allMatch(e -> e.getString("tenant_id").equals(tenantId)
        && e.getString("resource").equals("instance")));

    // unsuspended, the tenant may write again
    node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend").expect(200);
    user.awaitState(running, "running", 30);
    user.patch("/v1/instances/" + stopped, new JsonObject().put("name", "renamed")).expect(200);
    Fixtures.runningNoop(user, "new");
  }

  @Test
  void anOperatorMayStillRemoveASuspendedTenantsInstances() {
    String tenantId = Fixtures.createTenant(node.admin(), "free").getString("id");
    Api user = node.api(node.token(tenantId, "carol"));
    String running = Fixtures.runningNoop(user, "web");
    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend").expect(200);
    user.awaitState(running, "suspended", 30);

    node.admin().post("/v1/instances/" + running + "/unsuspend").expectError(403, "forbidden");
    node.admin().delete("/v1/instances/" + running + "?wait=20s").expect(204);
    user.get("/v1/instances/" + running).expectError(404, "not_found");
  }
}
