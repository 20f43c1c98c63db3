package dev.ctrlplane.events.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.StandardWebhooks;
import dev.ctrlplane.support.WebhookReceiver;
import dev.ctrlplane.support.WebhookReceiver.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deliveries to real HTTP receivers on loopback (allowed here by webhooks.allow_private_targets). */
class WebhookDeliveryTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of(
      "webhooks.allow_private_targets", "true",
      "webhooks.retry_initial", "200ms",
      "webhooks.timeout", "1s",
      "webhooks.max_concurrency_per_receiver", "2"));

  private static JsonObject create(Api api, String url, String... events) {
    JsonArray patterns = new JsonArray();
    for (String event : events) {
      patterns.add(event);
    }
    return api.post("/v1/webhooks", new JsonObject().put("url", url).put("events", patterns)).expect(201).json();
  }

  @Test
  void aMatchingEventIsDeliveredSignedPerStandardWebhooks() {
    Api api = node.tenantApi();
    try (WebhookReceiver receiver = WebhookReceiver.ok()) {
      JsonObject hook = create(api, receiver.url(), "instance.created");
      String instance = api.post("/v1/instances", Fixtures.noopInstance("hooked")).expect(201).id();
      Received got = receiver.next(15);
      assertTrue(StandardWebhooks.verify(hook.getString("secret"), got.id(), got.timestamp(), got.signature(),
          got.body()), "the signature checks out with an independent implementation");
      assertTrue(!StandardWebhooks.verify(hook.getString("secret"), got.id(), got.timestamp(), got.signature(),
          got.body() + " "), "and fails for another body");
      JsonObject event = new JsonObject(got.body());
      assertEquals("instance.created", event.getString("type"));
      assertEquals(instance, event.getString("instance_id"));
      assertTrue(got.id().startsWith("dlv_"), got.id());
      assertEquals(List.of("application/json"), got.headers().get("Content-type"));
      JsonObject delivery = awaitDelivery(api, hook.getString("id"), "succeeded");
      assertEquals(got.id(), delivery.getString("id"));
      assertEquals(event.getString("id"), delivery.getString("event_id"));
      assertEquals(1, delivery.getInteger("attempts"));
      JsonObject attempt = delivery.getJsonArray("attempt_log").getJsonObject(0);
      assertEquals(200, attempt.getInteger("status"));
      assertTrue(attempt.getInteger("duration_ms") >= 0);
    }
  }

  @Test
  void failuresAreRetriedWithTheSameIdAndBodyAndEveryAttemptRecorded() {
    Api api = node.tenantApi();
    AtomicInteger calls = new AtomicInteger();
    try (WebhookReceiver receiver = WebhookReceiver.answering(() -> calls.incrementAndGet() <= 2 ? 500 : 204)) {
      JsonObject hook = create(api, receiver.url(), "instance.created");
      api.post("/v1/instances", Fixtures.noopInstance("retried")).expect(201);
      Received first = receiver.next(15);
      Received second = receiver.next(15);
      Received third = receiver.next(15);
      assertEquals(first.id(), second.id());
      assertEquals(first.id(), third.id());
      assertEquals(first.body(), third.body());
      assertTrue(StandardWebhooks.verify(hook.getString("secret"), third.id(), third.timestamp(), third.signature(),
          third.body()));
      long gap1 = second.atNanos() - first.atNanos();
      long gap2 = third.atNanos() - second.atNanos();
      assertTrue(gap1 >= 150_000_000L, "backoff before the 2nd attempt: " + gap1 / 1_000_000 + "ms");
      assertTrue(gap2 >= 300_000_000L, "a longer backoff before the 3rd: " + gap2 / 1_000_000 + "ms");
      JsonObject delivery = awaitDelivery(api, hook.getString("id"), "succeeded");
      assertEquals(3, delivery.getInteger("attempts"));
      JsonArray log = delivery.getJsonArray("attempt_log");
      assertEquals(List.of(500, 500, 204), log.stream().map(a -> ((JsonObject) a).getInteger("status")).toList());
    }
  }

  @Test
  void aHangingReceiverDelaysNoOtherWebhook() {
    Api api = node.tenantApi();
    try (WebhookReceiver hanging = WebhookReceiver.answering(() -> WebhookReceiver.HANG);
        WebhookReceiver quick = WebhookReceiver.ok()) {
      JsonObject stuck = create(api, hanging.url(), "instance.*");
      create(api, quick.url(), "instance.created");
      for (int i = 0; i < 4; i++) {
        api.post("/v1/instances", Fixtures.noopInstance("busy-" + i)).expect(201);
      }
      long start = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        quick.next(10);
      }
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "the quick receiver got its four without waiting");
      JsonObject timedOut = Poll.value(() -> firstAttempted(api, stuck.getString("id")), 15,
          () -> "an attempt of the hanging receiver to be recorded");
      String error = timedOut.getJsonArray("attempt_log").getJsonObject(0).getString("error");
      assertTrue(error.contains("no response within 1000ms"), error);
    }
  }

  @Test
  void onlyMatchingTypesAndOnlyTheTenantsOwnEvents() {
    Api alice = node.tenantApi();
    Api bob = node.tenantApi();
    try (WebhookReceiver deployOnly = WebhookReceiver.ok(); WebhookReceiver bobs = WebhookReceiver.ok()) {
      JsonObject hook = create(alice, deployOnly.url(), "deploy.failed");
      create(bob, bobs.url(), "instance.*");
      alice.post("/v1/instances", Fixtures.noopInstance("not-for-hooks")).expect(201);
      String mine = bob.post("/v1/instances", Fixtures.noopInstance("bobs")).expect(201).id();
      assertEquals(mine, new JsonObject(bobs.next(15).body()).getString("instance_id"));
      for (Received other : List.of(bobs.next(15))) {
        assertEquals(mine, new JsonObject(other.body()).getString("instance_id"));
      }
      assertEquals(0, alice.get("/v1/webhooks/" + hook.getString("id") + "/deliveries").expect(200).json()
          .getLong("total"));
      assertTrue(deployOnly.all().isEmpty());
    }
  }

  private static JsonObject awaitDelivery(Api api, String hookId, String state) {
    return Poll.value(() -> {
      JsonArray items = api.get("/v1/webhooks/" + hookId + "/deliveries").expect(200).json().getJsonArray("items");
      return items.isEmpty() || !state.equals(items.getJsonObject(0).getString("state")) ? Optional.empty()
          : Optional.of(items.getJsonObject(0));
    }, 20, () -> "a delivery of " + hookId + " to be " + state);
  }

  private static Optional<JsonObject> firstAttempted(Api api, String hookId) {
    JsonArray items = api.get("/v1/webhooks/" + hookId + "/deliveries?limit=100").expect(200).json()
        .getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).filter(d -> !d.getJsonArray("attempt_log").isEmpty())
        .findFirst();
  }
}
