package dev.ctrlplane.network;

import static dev.ctrlplane.network.EdgeFixtures.awaitStatus;
import static dev.ctrlplane.network.EdgeFixtures.hello;
import static dev.ctrlplane.network.EdgeFixtures.instanceBehind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.network.EdgeFixtures.Tenant;
import dev.ctrlplane.network.edge.EdgeRecord;
import dev.ctrlplane.network.edge.EdgeRecords;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The edge router on one node, in front of real hello replicas: matching, headers, errors, bodies. */
class EdgeRouterTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("edge.upstream_timeout", "2s"));

  private static int edge() {
    return node.node().edgePort();
  }

  @Test
  void everyInstanceAnswersAtItsDefaultHostWithoutARoute() {
    Tenant t = EdgeFixtures.tenant(node);
    JsonObject web = hello(t.api(), "web", 2);
    Api.Response hi = awaitStatus(edge(), t.host("web"), "/", 200);
    assertEquals("hello", hi.json().getString("image"));
    assertEquals(web.getString("id"), instanceBehind(edge(), t.host("web") + ":" + edge(), "/headers"),
        "the Host's port and case do not matter");
    assertEquals(web.getString("id"), instanceBehind(edge(), t.host("WEB"), "/headers"));
    assertEquals("http://" + t.host("web") + ":" + edge() + "/",
        t.api().get("/v1/instances/" + web.getString("id")).expect(200).json().getString("default_url"));
  }

  @Test
  void nothingMatchingIs404JsonAndNoReplicaIs502Json() {
    Tenant t = EdgeFixtures.tenant(node);
    Api.Response none = EdgeHttp.get(edge(), "nobody.example.com", "/x");
    assertEquals(404, none.status());
    assertEquals("not_found", none.json().getString("code"));
    assertTrue(none.json().getString("message").contains("nobody.example.com/x"));
    assertTrue(none.header("X-Request-Id").isPresent());

    JsonObject web = hello(t.api(), "down", 1);
    awaitStatus(edge(), t.host("down"), "/", 200);
    t.api().post("/v1/instances/" + web.getString("id") + "/stop?wait=30s").expect(200);
    Api.Response noReplica = awaitStatus(edge(), t.host("down"), "/", 502);
    assertEquals("bad_gateway", noReplica.json().getString("code"));
    assertTrue(noReplica.json().getString("message").contains(web.getString("id")), noReplica.body());
  }

  @Test
  void theLongestPrefixOnSegmentsWinsAndStripPrefixTakesItOff() {
    Tenant t = EdgeFixtures.tenant(node);
    String a = hello(t.api(), "a", 1).getString("id");
    String b = hello(t.api(), "b", 1).getString("id");
    String shop = "shop." + t.slug() + ".localhost";
    t.api().post("/v1/instances/" + a + "/routes", new JsonObject().put("path", "/a").put("strip_prefix", true)
        .put("hostname", shop)).expect(201);
    t.api().post("/v1/instances/" + b + "/routes", new JsonObject().put("path", "/").put("hostname", shop))
        .expect(201);
    t.api().post("/v1/instances/" + b + "/routes", new JsonObject().put("path", "/a/keep").put("hostname", shop))
        .expect(201);
    awaitStatus(edge(), shop, "/a/headers", 200);

    JsonObject stripped = EdgeHttp.get(edge(), shop, "/a/headers?x=1").expect(200).json();
    assertEquals(a, stripped.getString("instance"));
    assertEquals("/headers?x=1", stripped.getString("path"));
    assertEquals(b, instanceBehind(edge(), shop, "/headers"));
    assertEquals(b, instanceBehind(edge(), shop, "/ab/headers"), "/a does not cover /ab");
    JsonObject kept = EdgeHttp.get(edge(), shop, "/a/keep/headers").expect(200).json();
    assertEquals(b, kept.getString("instance"), "the longer prefix wins");
    assertEquals("/a/keep/headers", kept.getString("path"), "not stripped");
    assertEquals(200, EdgeHttp.get(edge(), shop, "/a").status(), "/a stripped is /");
    assertEquals(a, instanceBehind(edge(), t.host("a"), "/headers"), "the default host still answers");
  }

  @Test
  void routesOfOneMatchShareTrafficByWeightAndZeroTakesNone() {
    Tenant t = EdgeFixtures.tenant(node);
    String a = hello(t.api(), "wa", 1).getString("id");
    String b = hello(t.api(), "wb", 1).getString("id");
    String host = "split." + t.slug() + ".localhost";
    t.api().post("/v1/instances/" + a + "/routes", new JsonObject().put("path", "/").put("hostname", host)
        .put("weight", 75)).expect(201);
    String routeB = t.api().post("/v1/instances/" + b + "/routes", new JsonObject().put("path", "/")
        .put("hostname", host).put("weight", 25)).expect(201).id();
    Poll.until(() -> share(host, 40).size() == 2, 10, () -> "both routes to take traffic");
    Map<String, Integer> counts = share(host, 400);
    int toA = counts.getOrDefault(a, 0);
    assertEquals(400, toA + counts.getOrDefault(b, 0));
    assertTrue(toA > 255 && toA < 345, "75% of 400 (±~5 sigma) went to a: " + counts);

    t.api().patch("/v1/routes/" + routeB, new JsonObject().put("weight", 0)).expect(200);
    Poll.until(() -> share(host, 20).keySet().equals(java.util.Set.of(a)), 10, () -> "b to take nothing");
    assertEquals(Map.of(a, 200), share(host, 200), "weight 0 takes none");
  }

  private static Map<String, Integer> share(String host, int requests) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      counts.merge(instanceBehind(edge(), host, "/headers"), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void aTenantsRoutesNeverMatchAnotherTenantsHost() {
    Tenant one = EdgeFixtures.tenant(node);
    Tenant two = EdgeFixtures.tenant(node);
    String mine = hello(one.api(), "web", 1).getString("id");
    String theirs = hello(two.api(), "web", 1).getString("id");
    one.api().post("/v1/instances/" + mine + "/routes", new JsonObject().put("path", "/api")).expect(201);
    awaitStatus(edge(), one.host("web"), "/api", 404); // the replica's 404: the route took it
    assertEquals(mine, instanceBehind(edge(), one.host("web"), "/headers"));
    assertEquals(theirs, instanceBehind(edge(), two.host("web"), "/headers"));
    assertEquals(404, EdgeHttp.get(edge(), two.host("web"), "/api").status());
    assertEquals("not found", EdgeHttp.get(edge(), two.host("web"), "/api").body(), "their own replica's 404");
    assertEquals(404, EdgeHttp.get(edge(), "web.localhost", "/api").status());
    assertEquals("not_found", EdgeHttp.get(edge(), "127.0.0.1", "/api").json().getString("code"));
  }

  @Test
  void theReplicaGetsForwardedHeadersAndTheCallersTrace() {
    Tenant t = EdgeFixtures.tenant(node);
    hello(t.api(), "hdr", 1);
    String host = t.host("hdr");
    awaitStatus(edge(), host, "/headers", 200);
    String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    JsonObject seen = EdgeHttp.headersSeen(edge(), host, "/headers", Map.of("X-Forwarded-For", "203.0.113.7",
        "traceparent", "00-" + callerTrace + "-00f067aa0ba902b7-01", "X-Request-Id", "req-42",
        "Connection", "close, X-Secret-Hop", "X-Secret-Hop", "dropped")).getJsonObject("headers");
    assertEquals("203.0.113.7, 127.0.0.1", seen.getString("x-forwarded-for"));
    assertEquals("http", seen.getString("x-forwarded-proto"));
    assertEquals(host, seen.getString("x-forwarded-host"));
    assertEquals(host, seen.getString("host"), "the Host is passed as the client sent it");
    assertEquals("req-42", seen.getString("x-request-id"));
    assertTrue(!seen.containsKey("x-secret-hop"), "a header named in Connection is hop-by-hop: " + seen);
    String[] parts = seen.getString("traceparent").split("-");
    assertEquals(callerTrace, parts[1], "the caller's trace continues");
    assertNotEquals("00f067aa0ba902b7", parts[2], "with the edge's own span");

    JsonObject fresh = EdgeHttp.headersSeen(edge(), host, "/headers", Map.of()).getJsonObject("headers");
    assertTrue(Pattern.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01", fresh.getString("traceparent")), fresh.encode());
    assertEquals("127.0.0.1", fresh.getString("x-forwarded-for"));
  }

  @Test
  void aReplicaTheHealthChecksCallUnhealthyTakesNoTrafficUntilItIsHealthyAgain() {
    Tenant t = EdgeFixtures.tenant(node);
    JsonObject web = hello(t.api(), "sick", 2);
    String host = t.host("sick");
    awaitStatus(edge(), host, "/", 200);
    String sick = web.getJsonArray("endpoints").getJsonObject(1).getString("url").substring("http://".length());
    JsonObject verdict = new JsonObject().put("instance_id", web.getString("id")).put("endpoint", sick)
        .put("release_id", web.getString("current_release_id")).put("index", 1).put("healthy", false);
    node.plane().vertx().eventBus().publish("ctrlplane.health.replicas", verdict);
    Poll.until(() -> replicasSeen(host, 20).size() == 1, 5, () -> "the unhealthy replica to leave the rotation");
    java.util.Set<Integer> only = replicasSeen(host, 40);
    assertEquals(1, only.size(), "one replica takes all: " + only);
    node.plane().vertx().eventBus().publish("ctrlplane.health.replicas", verdict.copy().put("healthy", true));
    Poll.until(() -> replicasSeen(host, 20).size() == 2, 5, () -> "the replica to take traffic again");
  }

  private static java.util.Set<Integer> replicasSeen(String host, int requests) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < requests; i++) {
      seen.add(EdgeHttp.get(edge(), host, "/headers").expect(200).json().getInteger("replica"));
    }
    return seen;
  }

  @Test
  void everyRequestIsRecordedForTelemetryAndCountedInMetrics() {
    Tenant t = EdgeFixtures.tenant(node);
    String id = hello(t.api(), "rec", 1).getString("id");
    String host = t.host("rec");
    awaitStatus(edge(), host, "/", 200);
    java.util.List<EdgeRecord> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    node.plane().network().records().setSink(seen::addAll);
    try {
      String trace = "0af7651916cd43dd8448eb211c80319c";
      EdgeHttp.send(edge(), "GET", host, "/headers", Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01"),
          null).expect(200);
      EdgeRecord record = Poll.value(() -> seen.stream().filter(r -> trace.equals(r.traceId())).findFirst(), 5,
          () -> "the record of the request, in a batch");
      assertEquals(id, record.instanceId());
      assertEquals(200, record.status());
      assertEquals("b7ad6b7169203331", record.parentSpanId());
      assertEquals(16, record.spanId().length());
      assertEquals("/headers", record.path());
      assertTrue(record.bytesOut() > 100 && record.replica().matches("127\\.0\\.0\\.1:\\d+"), record::toString);
      assertTrue(record.durationMicros() > 0);
    } finally {
      node.plane().network().records().setSink(EdgeRecords.Sink.DISCARD);
    }
    String metrics = node.api(null).get("/metrics").expect(200).body();
    assertTrue(metrics.contains("ctrlplane_edge_requests_total{status_class=\"2xx\"}"), "requests by class");
    assertTrue(metrics.contains("ctrlplane_edge_request_duration_seconds_bucket"), "latency histogram");
  }

  @Test
  void largeBodiesStreamThroughAndASlowReplicaIs504() {
    Tenant t = EdgeFixtures.tenant(node);
    hello(t.api(), "big", 1);
    String host = t.host("big");
    awaitStatus(edge(), host, "/", 200);
    byte[] body = new byte[4 * 1024 * 1024];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    Api.Response echoed = EdgeHttp.send(edge(), "POST", host, "/echo", Map.of(), body);
    assertEquals(200, echoed.status());
    assertEquals(new String(body, StandardCharsets.ISO_8859_1), echoed.body());

    Api.Response slow = EdgeHttp.get(edge(), host, "/slow?ms=4000");
    assertEquals(504, slow.status(), slow.body());
    assertEquals("timeout", slow.json().getString("code"));
    assertEquals(200, EdgeHttp.get(edge(), host, "/slow?ms=10").status(), "the edge still serves it");
  }
}
