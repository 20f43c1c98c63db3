package dev.ctrlplane.support;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Common set-up through the API: tenants and instances, the way a user makes them. */
public final class Fixtures {

  private Fixtures() {}

  /** Creates an active tenant (plan enterprise unless given) and returns its id. */
  public static String tenant(TestNode node) {
    return tenant(node, "enterprise");
  }

  public static String tenant(TestNode node, String plan) {
    String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
    return node.api(node.adminToken())
        .post("/v1/admin/tenants", new JsonObject().put("name", "Tenant " + slug).put("slug", slug).put("plan", plan))
        .expect(201).id();
  }

  /** A noop-provider instance body: cheap, for API tests that do not need real processes. */
  public static JsonObject noopInstance(String name) {
    return new JsonObject().put("name", name).put("image", "hello:1.0").put("provider_name", "noop");
  }
}
