package dev.ctrlplane.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Common set-up through the API: tenants and instances, the way a user makes them. */
public final class Fixtures {

  /** Every action on an instance (SPEC §4), in the order the state machine tests try them. */
  public static final List<String> INSTANCE_ACTIONS =
      List.of("start", "stop", "restart", "scale", "suspend", "unsuspend", "delete");

  private Fixtures() {}

  /** Creates an active tenant (plan enterprise unless given) and returns its id. */
  public static String tenant(TestNode node) {
    return tenant(node, "enterprise");
  }

  public static String tenant(TestNode node, String plan) {
    return createTenant(node.api(node.adminToken()), plan).getString("id");
  }

  /** Creates an active tenant of {@code plan} as the operator {@code admin}; returns it as the API shows it. */
  public static JsonObject createTenant(Api admin, String plan) {
    String slug = uniqueSlug("t");
    return admin.post("/v1/admin/tenants", new JsonObject().put("name", "Tenant " + slug).put("slug", slug)
        .put("plan", plan)).expect(201).json();
  }

  /** A tenant and a client authenticated as one of its users. */
  public static Api tenantApi(TestNode node) {
    return node.api(node.token(tenant(node), "alice"));
  }

  /** A noop-provider instance body: cheap, for API tests that do not need real processes. */
  public static JsonObject noopInstance(String name) {
    return new JsonObject().put("name", name).put("image", "hello:1.0").put("provider_name", "noop");
  }

  /** A process-provider instance body: real replicas of {@code image}, with {@code env}. */
  public static JsonObject processInstance(String name, String image, Map<String, String> env) {
    return new JsonObject().put("name", name).put("image", image).put("provider_name", "process")
        .put("env", new JsonObject(new LinkedHashMap<>(env)));
  }

  /** Creates a noop instance and waits until it runs; returns its id. */
  public static String runningNoop(Api api, String name) {
    String id = api.post("/v1/instances", noopInstance(name)).expect(201).id();
    api.awaitState(id, "running", 30);
    return id;
  }

  /** Creates a noop instance, waits until it runs, then stops it; returns its id. */
  public static String stoppedNoop(Api api, String name) {
    String id = runningNoop(api, name);
    assertEquals("stopped", api.post("/v1/instances/" + id + "/stop?wait=20s").expect(200).json().getString("state"));
    return id;
  }

  /** A name no other test uses. */
  public static String uniqueName(String prefix) {
    return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A slug no other test uses. */
  public static String uniqueSlug(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Deletes every instance on the node and waits until they are gone, then kills any process still carrying one of
   * their ids: what a test class does before closing its node, since closing leaves replicas running by design.
   */
  public static void deleteAllInstances(TestNode node) {
    Api admin = node.api(node.adminToken());
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = admin.get("/v1/instances?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
          .expect(200).json();
      JsonArray items = page.getJsonArray("items");
      items.forEach(item -> ids.add(((JsonObject) item).getString("id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    for (String id : ids) {
      Api.Response deleted = admin.delete("/v1/instances/" + id);
      if (deleted.status() != 202 && deleted.status() != 404) {
        // e.g. still transitional: the poll below waits for the work to end, then we ask again
        admin.awaitSettled(id, 30);
        admin.delete("/v1/instances/" + id);
      }
    }
    try {
      for (String id : ids) {
        admin.awaitGone(id, 30);
      }
    } finally {
      ids.forEach(Processes::kill);
    }
  }

  /** Stops every process replica the node runs, whatever the store says: no test leaves processes behind. */
  public static void destroyProcesses(TestNode node) {
    var process = node.plane().providers().get("process");
    for (String id : process.instanceIds()) {
      Futures.await(process.destroy(id));
    }
  }
}
