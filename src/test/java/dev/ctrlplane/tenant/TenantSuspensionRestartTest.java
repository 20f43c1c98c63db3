package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.assertAllAlive;
import static dev.ctrlplane.admin.AdminFixtures.assertAllGone;
import static dev.ctrlplane.admin.AdminFixtures.pids;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tenant's suspension is stored state: a restarted control plane keeps the tenant and its instances suspended. */
class TenantSuspensionRestartTest {

  private static final Map<String, String> SAME_NODE = Map.of("node.name", "suspension-restart");

  private TestNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      NodeExtension.cleanUpAndClose(node);
    }
  }

  @Test
  void aSuspendedTenantStaysSuspendedAcrossARestartAndResumesAfterIt() {
    String storeUrl = TestDatabase.freshDatabase();
    Path dataDir = TestNode.tempDir();
    node = TestNode.start(storeUrl, dataDir, SAME_NODE);
    Api admin = node.api(node.adminToken());
    String tenantId = Fixtures.createTenant(admin, "pro").getString("id");
    Api user = node.api(node.token(tenantId, "alice"));
    String process = user.post("/v1/instances", TenantSuspensionTest.processBody("web")).expect(201).id();
    user.awaitState(process, "running", 30);
    String noop = Fixtures.runningNoop(user, "api");
    List<Long> before = pids(node, process);
    assertAllAlive(before);

    admin.post("/v1/admin/tenants/" + tenantId + "/suspend", new JsonObject().put("reason", "restart")).expect(200);
    user.awaitState(process, "suspended", 30);
    user.awaitState(noop, "suspended", 30);
    assertAllGone(before);

    node.close();
    node = TestNode.start(storeUrl, dataDir, SAME_NODE);
    admin = node.api(node.adminToken());
    user = node.api(node.token(tenantId, "alice"));

    JsonObject tenant = admin.get("/v1/admin/tenants/" + tenantId).expect(200).json();
    assertEquals("suspended", tenant.getString("status"));
    assertEquals("restart", tenant.getString("suspend_reason"));
    for (String id : List.of(process, noop)) {
      JsonObject instance = user.get("/v1/instances/" + id).expect(200).json();
      assertEquals("suspended", instance.getString("state"));
      assertEquals("tenant suspended: restart", instance.getString("suspend_reason"));
    }
    assertEquals(List.of(), pids(node, process));
    user.post("/v1/instances/" + process + "/unsuspend").expectError(403, "forbidden");
    user.post("/v1/instances", Fixtures.noopInstance("new")).expectError(403, "forbidden");

    admin.post("/v1/admin/tenants/" + tenantId + "/unsuspend").expect(200);
    TenantSuspensionTest.assertServes(user.awaitState(process, "running", 30));
    user.awaitState(noop, "running", 30);
    assertAllAlive(pids(node, process));

    user.delete("/v1/instances/" + process + "?wait=30s").expect(204);
  }
}
