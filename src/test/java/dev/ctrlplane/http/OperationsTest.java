package dev.ctrlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The operations endpoints (SPEC §12, no auth) and request ids on every response (SPEC §1). */
class OperationsTest {

  static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static Api api;
  static Api anonymous;

  @BeforeAll
  static void clients() {
    api = node.tenantApi();
    anonymous = api.as(null);
  }

  @Test
  void healthzSaysTheProcessIsAlive() {
    assertEquals("ok", anonymous.get("/healthz").expect(200).json().getString("status"));
  }

  @Test
  void readyzChecksTheStore() {
    JsonObject ready = anonymous.get("/readyz").expect(200).json();
    assertEquals(true, ready.getValue("store"), ready::encode);
    assertEquals("ready", ready.getString("status"));
  }

  @Test
  void metricsArePrometheusTextWithHttpServerMetrics() {
    api.get("/v1/instances").expect(200);

    Api.Response metrics = anonymous.get("/metrics").expect(200);

    assertTrue(metrics.header("Content-Type").orElseThrow().startsWith("text/plain"), metrics.headers()::toString);
    assertTrue(metrics.body().contains("# TYPE vertx_http_server_requests_total counter"), metrics::body);
    assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("vertx_http_server_requests_total{")), metrics::body);
  }

  @Test
  void everyResponseCarriesANewRequestIdWhenNoneIsSent() {
    List<Api.Response> responses = List.of(
        anonymous.get("/healthz"),
        anonymous.get("/readyz"),
        anonymous.get("/metrics"),
        anonymous.get("/v1/instances"),
        api.get("/v1/instances"),
        api.get("/v1/nope"),
        api.get("/v1/instances/nope"),
        api.put("/v1/instances", new JsonObject()),
        api.send("POST", "/v1/instances", "{broken"),
        api.send("POST", "/v1/instances", "\"" + "x".repeat(1024 * 1024 + 1) + "\""),
        api.with("Content-Type", "text/plain").send("POST", "/v1/instances", "hello"),
        anonymous.get("/nope"));
    for (Api.Response response : responses) {
      String id = response.header("X-Request-Id").orElseThrow(() -> new AssertionError(response.request() + " has none"));
      assertTrue(id.matches(UUID), response.request() + ": " + id);
      if (response.status() >= 400) {
        assertEquals(id, response.json().getString("request_id"), response.request());
      }
    }
  }

  @Test
  void aSaneRequestIdIsEchoedOnSuccessAndError() {
    Api traced = api.with("X-Request-Id", "trace-42.abc:DEF_9");
    assertEquals("trace-42.abc:DEF_9", traced.get("/v1/instances").expect(200).header("X-Request-Id").orElseThrow());
    Api.Response error = traced.get("/v1/instances/nope").expectError(404, "not_found");
    assertEquals("trace-42.abc:DEF_9", error.header("X-Request-Id").orElseThrow());
    assertEquals("trace-42.abc:DEF_9", error.json().getString("request_id"));
    assertEquals("trace-42.abc:DEF_9",
        anonymous.with("X-Request-Id", "trace-42.abc:DEF_9").get("/healthz").header("X-Request-Id").orElseThrow());
  }

  @ParameterizedTest(name = "X-Request-Id: {0} is replaced")
  @ValueSource(strings = {"has spaces", "<script>alert(1)</script>", "semi;colon", "quote\"d", "ünïcode", "x/y",
      "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
  void anInsaneRequestIdIsReplaced(String insane) {
    Api.Response response = api.with("X-Request-Id", insane).get("/v1/instances/nope").expectError(404, "not_found");
    String id = response.header("X-Request-Id").orElseThrow();
    assertNotEquals(insane, id);
    assertTrue(id.matches(UUID), id);
    assertEquals(id, response.json().getString("request_id"));
  }
}
