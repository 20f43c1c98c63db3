package dev.ctrlplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.Main;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.ChildJvm;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import dev.ctrlplane.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A control-plane process clustered with this JVM's node, SIGKILLed right after a burst of commits (with more in
 * flight): every event the store holds reaches a bus subscriber on the surviving node, and every one of them
 * reaches the webhook, whatever the dead node had or had not published, marked or delivered.
 */
class EventsCrashTest {

  private static final Pattern SERVING = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");

  @Test
  void everyCommittedEventReachesTheSurvivorsSubscribersAndTheWebhook() throws Exception {
    String storeUrl = TestDatabase.freshDatabase();
    int portA = TestCluster.freePort();
    int portB = TestCluster.freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Map<String, String> common = Map.of("events.relay_grace", "1s", "events.relay_interval", "200ms",
        "webhooks.allow_private_targets", "true", "webhooks.retry_initial", "200ms", "webhooks.timeout", "2s",
        "cluster.enabled", "true", "cluster.host", "127.0.0.1", "cluster.members", members);
    Map<String, String> settingsA = new java.util.HashMap<>(common);
    settingsA.put("node.name", "survivor");
    settingsA.put("cluster.port", Integer.toString(portA));
    try (TestNode survivor = TestNode.start(storeUrl, TestNode.tempDir(), settingsA);
        WebhookReceiver receiver = WebhookReceiver.ok();
        EventTap tap = EventTap.on(survivor, EventType.FIREHOSE)) {
      String tenant = Fixtures.tenant(survivor);
      String token = survivor.token(tenant, "alice");
      survivor.api(token).post("/v1/webhooks", new JsonObject().put("url", receiver.url())
          .put("events", new JsonArray().add("instance.*"))).expect(201);
      List<String> args = new ArrayList<>(List.of("serve"));
      Map<String, String> settingsB = new java.util.HashMap<>(common);
      settingsB.putAll(Map.of("node.name", "doomed", "cluster.port", Integer.toString(portB), "store.url", storeUrl,
          "data.dir", TestNode.tempDir().toString(), "http.host", "127.0.0.1", "http.port", "0",
          "auth.jwt.secret", TestNode.SECRET, "secrets.key", TestNode.SECRETS_KEY,
          "provider.noop.enabled", "true"));
      settingsB.forEach((key, value) -> {
        args.add("--set");
        args.add(key + "=" + value);
      });
      try (ChildJvm doomed = ChildJvm.start("doomed", Main.class.getName(), args, null)) {
        Matcher port = SERVING.matcher(doomed.awaitLine(SERVING.asPredicate(), 120, "that it serves HTTP"));
        assertTrue(port.find());
        TestCluster.awaitMembers(survivor, 2);
        Api onDoomed = new Api(Integer.parseInt(port.group(1)), token);
        AtomicInteger created = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> refused = new java.util.concurrent.atomic.AtomicReference<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
          clients.submit(() -> {
            for (int i = 0; i < 50; i++) {
              try {
                Api.Response response = onDoomed.post("/v1/instances", Fixtures.noopInstance(Fixtures.uniqueName("c")));
                if (response.status() == 201) {
                  created.incrementAndGet();
                } else {
                  refused.set(response.status() + " " + response.body());
                }
              } catch (RuntimeException dead) {
                refused.set(dead.toString());
                return;
              }
            }
          });
        }
        Poll.until(() -> created.get() >= 60, 60, () -> "60 creates on the doomed node; "
            + created.get() + " so far, last refusal " + refused.get());
        doomed.kill(); // SIGKILL, with creates still in flight
        clients.shutdown();
        assertTrue(clients.awaitTermination(120, TimeUnit.SECONDS));
      }
      Set<String> committed = committedEvents(survivor, tenant);
      assertTrue(committed.size() >= 120, "events committed: " + committed.size());
      Set<String> seen = new HashSet<>();
      Set<String> relayed = new HashSet<>();
      while (!seen.containsAll(committed)) {
        JsonObject event = tap.next(e -> tenant.equals(e.getString("tenant_id")), 60);
        seen.add(event.getString("id"));
        if (tap.headersOf(event).get(EventPublisher.RELAYED_HEADER) != null) {
          relayed.add(event.getString("id"));
        }
      }
      System.out.println("events committed " + committed.size() + ", relayed " + relayed.size());
      Set<String> hooked = committed(survivor, tenant, "instance.");
      Poll.until(() -> deliveredEventIds(receiver).containsAll(hooked), 90,
          () -> "every instance.* event delivered to the webhook; missing "
              + hooked.stream().filter(id -> !deliveredEventIds(receiver).contains(id)).count());
    }
  }

  private static Set<String> deliveredEventIds(WebhookReceiver receiver) {
    Set<String> ids = new HashSet<>();
    receiver.all().forEach(r -> ids.add(new JsonObject(r.body()).getString("id")));
    return ids;
  }

  private static Set<String> committedEvents(TestNode node, String tenant) {
    return committed(node, tenant, "");
  }

  private static Set<String> committed(TestNode node, String tenant, String typePrefix) {
    Set<String> ids = new HashSet<>();
    for (Row row : Futures.await(node.plane().pool().preparedQuery(
            "SELECT id FROM events WHERE tenant_id = $1 AND starts_with(type, $2)")
        .execute(Tuple.of(tenant, typePrefix)))) {
      ids.add(row.getString(0));
    }
    return ids;
  }
}
