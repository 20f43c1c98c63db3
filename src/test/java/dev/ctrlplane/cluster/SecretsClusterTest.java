package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets in a cluster of two real nodes sharing one database and one master key: a set is handled by the node whose
 * HTTP edge took it (the value never crosses the event bus to another node), and the node that runs an instance's
 * replicas decrypts its secrets for them, whichever node the values were set through.
 */
class SecretsClusterTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start("secrets-a", "secrets-b");
    a = cluster.node("secrets-a");
    b = cluster.node("secrets-b");
  }

  @AfterAll
  static void stop() {
    try {
      Fixtures.deleteAllInstances(a);
    } finally {
      cluster.close();
    }
  }

  @Test
  void eachNodeHandlesItsOwnSetsAndTheOwnerDecryptsForItsReplicas() throws Exception {
    String tenant = Fixtures.tenant(a);
    Map<String, Api> apis = Map.of(a.plane().nodeName(), a.api(a.token(tenant, "alice")),
        b.plane().nodeName(), b.api(b.token(tenant, "alice")));
    Api viaA = apis.get(a.plane().nodeName());
    String id = viaA.post("/v1/instances", Fixtures.processInstance("web", "hello:1.0", Map.of())).expect(201).id();
    String owner = viaA.awaitState(id, "running", 30).getString("node");

    try (EventTap sets = EventTap.on(a, "ctrlplane.events.secret.set")) {
      for (String via : List.of(a.plane().nodeName(), b.plane().nodeName())) {
        for (int i = 0; i < 4; i++) {
          String key = "VIA_" + via.replace('-', '_').toUpperCase() + "_" + i;
          apis.get(via).post("/v1/instances/" + id + "/secrets", new JsonObject().put("key", key)
              .put("value", "value of " + key)).expect(201);
          JsonObject event = sets.next(e -> key.equals(e.getJsonObject("data").getString("key")), 10);
          assertEquals(via, event.getString("node"), "the set was handled where it was received: " + event.encode());
        }
      }
    }

    String other = owner.equals(a.plane().nodeName()) ? b.plane().nodeName() : a.plane().nodeName();
    assertNotEquals(owner, other);
    JsonObject restarted = apis.get(other).post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();
    assertEquals(owner, restarted.getString("node"), "the owner ran the restart");
    String endpoint = restarted.getJsonArray("endpoints").getJsonObject(0).getString("url");
    for (String via : List.of(a.plane().nodeName(), b.plane().nodeName())) {
      String key = "VIA_" + via.replace('-', '_').toUpperCase() + "_3";
      assertEquals("value of " + key, get(endpoint + "/env/" + key));
    }
    viaA.delete("/v1/instances/" + id + "?wait=30s").expect(204);
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url + " -> " + response.body());
    return response.body();
  }
}
