package dev.ctrlplane.tenant;

import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plan quotas come from the configuration: the built-in ones can be overridden, and new plans added. */
class QuotaPlanConfigTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of(
      "quota.plans.free.max_instances", "1",
      "quota.plans.startup.max_instances", "2",
      "quota.plans.startup.max_cpu_millis", "800",
      "quota.plans.startup.max_memory_mb", "4096",
      "quota.plans.startup.max_domains", "1",
      "quota.plans.startup.max_secrets", "5"));

  @Test
  void anOverriddenPlanLimitIsShownAndEnforced() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "free");
    assertEquals(quota(1, 2000, 2048, 2, 20), tenant.getJsonObject("quota"), "only the overridden limit changes");
    Api user = node.api(node.token(tenant.getString("id"), "alice"));
    user.post("/v1/instances", Fixtures.noopInstance("one")).expect(201);
    String message = user.post("/v1/instances", Fixtures.noopInstance("two")).expectError(429, "quota_exceeded").json()
        .getString("message");
    assertTrue(message.contains("max_instances is 1"), message);
  }

  @Test
  void aPlanAddedByConfigurationCanBeGivenToTenants() {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "startup");
    assertEquals(quota(2, 800, 4096, 1, 5), tenant.getJsonObject("quota"));
    Api user = node.api(node.token(tenant.getString("id"), "bob"));
    user.post("/v1/instances", Fixtures.noopInstance("one")).expect(201);
    String message = user.post("/v1/instances", Fixtures.noopInstance("two")).expectError(429, "quota_exceeded").json()
        .getString("message");
    assertTrue(message.contains("max_cpu_millis is 800"), message);
    // the other plans keep their defaults
    assertEquals(quota(25, 32000, 65536, 25, 500), Fixtures.createTenant(node.admin(), "pro").getJsonObject("quota"));
  }
}
