package dev.ctrlplane.network;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Real hello replicas behind the edge router, and requests through it. */
final class EdgeFixtures {

  private EdgeFixtures() {}

  /** A tenant of its own: its id, slug and a client of its user. */
  record Tenant(String id, String slug, Api api) {
    String host(String instanceSlug) {
      return instanceSlug + "." + slug + ".localhost";
    }
  }

  static Tenant tenant(NodeExtension node) {
    JsonObject tenant = Fixtures.createTenant(node.admin(), "enterprise");
    return new Tenant(tenant.getString("id"), tenant.getString("slug"),
        node.api(node.token(tenant.getString("id"), "alice")));
  }

  /** A running hello:1.0 instance named {@code name} with {@code replicas} replicas and http port 8080. */
  static JsonObject hello(Api api, String name, int replicas) {
    JsonObject body = Fixtures.processInstance(name, "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", replicas).put("cpu_millis", 100).put("memory_mb", 64))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080).put("protocol", "http")));
    String id = api.post("/v1/instances", body).expect(201).id();
    return api.awaitState(id, "running", 60);
  }

  /** Waits until the edge answers {@code host}{@code target} with {@code status} (the table follows events). */
  static Api.Response awaitStatus(int edgePort, String host, String target, int status) {
    return Poll.value(() -> {
      Api.Response r = EdgeHttp.get(edgePort, host, target);
      return r.status() == status ? java.util.Optional.of(r) : java.util.Optional.empty();
    }, 10, () -> host + target + " to answer " + status);
  }

  /** Which instance answered a request for {@code /headers}. */
  static String instanceBehind(int edgePort, String host, String target) {
    return EdgeHttp.get(edgePort, host, target).expect(200).json().getString("instance");
  }
}
