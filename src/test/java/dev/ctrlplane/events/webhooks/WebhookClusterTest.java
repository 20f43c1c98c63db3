package dev.ctrlplane.events.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestNode;
import dev.ctrlplane.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes, both running the fan-out and delivery jobs: every delivery reaches the receiver once per
 * attempt it needed, never twice from two nodes, and each attempt is recorded once.
 */
class WebhookClusterTest {

  @Test
  void twoNodesSendEachAttemptOnce() {
    Map<String, String> settings = Map.of("webhooks.allow_private_targets", "true", "webhooks.retry_initial",
        "200ms", "scheduler.poll_interval", "50ms", "webhooks.fanout_interval", "50ms");
    AtomicInteger calls = new AtomicInteger();
    try (TestCluster cluster = TestCluster.start(settings, "a", "b");
        WebhookReceiver receiver = WebhookReceiver.answering(() -> calls.incrementAndGet() % 5 == 0 ? 500 : 200)) {
      TestNode a = cluster.node("a");
      TestNode b = cluster.node("b");
      String tenant = Fixtures.tenant(a);
      Api onA = a.api(a.token(tenant, "alice"));
      Api onB = b.api(b.token(tenant, "alice"));
      String hook = onA.post("/v1/webhooks", new JsonObject().put("url", receiver.url())
          .put("events", new JsonArray().add("instance.created"))).expect(201).id();
      for (int i = 0; i < 20; i++) {
        (i % 2 == 0 ? onA : onB).post("/v1/instances", Fixtures.noopInstance("two-" + i)).expect(201);
      }
      Poll.until(() -> succeeded(onA, hook) == 20, 60, () -> "20 deliveries to succeed, " + succeeded(onA, hook));
      JsonArray items = onA.get("/v1/webhooks/" + hook + "/deliveries?limit=100").expect(200).json()
          .getJsonArray("items");
      Map<String, Integer> sends = new HashMap<>();
      receiver.all().forEach(r -> sends.merge(r.id(), 1, Integer::sum));
      Set<String> nodes = new HashSet<>();
      for (Object item : items) {
        JsonObject delivery = (JsonObject) item;
        JsonArray log = delivery.getJsonArray("attempt_log");
        assertEquals(delivery.getInteger("attempts"), log.size(), delivery.encodePrettily());
        assertEquals(log.size(), sends.get(delivery.getString("id")),
            "the receiver got each attempt once, no more: " + delivery.encodePrettily());
        for (int i = 0; i < log.size(); i++) {
          assertEquals(i + 1, log.getJsonObject(i).getInteger("attempt"));
          nodes.add(log.getJsonObject(i).getString("node"));
        }
      }
      assertEquals(20, sends.size(), "one webhook-id per event");
      assertTrue(List.of("a", "b").containsAll(nodes), nodes.toString());
    }
  }

  private static long succeeded(Api api, String hook) {
    return api.get("/v1/webhooks/" + hook + "/deliveries?limit=100").expect(200).json().getJsonArray("items")
        .stream().filter(d -> "succeeded".equals(((JsonObject) d).getString("state"))).count();
  }
}
