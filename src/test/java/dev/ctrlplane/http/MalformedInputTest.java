package dev.ctrlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.ErrorLog;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input is never a 500 (SPEC §1, §2): malformed percent-encoding in the path or the query, a body that is not
 * JSON by its headers or not UTF-8, text PostgreSQL could not store, numbers too large for their field, odd header
 * values, and requests the HTTP decoder cannot read. Each is a JSON error with a request id, for every route the
 * OpenAPI document lists (and the operations endpoints); nothing is logged at ERROR, and nothing stored changes.
 */
class MalformedInputTest {

  @RegisterExtension
  @Order(0)
  static final ErrorLog errors = new ErrorLog();

  @RegisterExtension
  @Order(1)
  static final NodeExtension node = new NodeExtension();

  static final List<String> OPERATIONS_ENDPOINTS = List.of("GET /healthz", "GET /readyz", "GET /metrics");

  static Api user;
  static String instanceId;
  static String tenantId;
  static String token;

  @BeforeAll
  static void anInstanceToKeepUnchanged() {
    tenantId = node.tenant();
    token = node.token(tenantId, "alice");
    user = node.api(token);
    instanceId = Fixtures.runningNoop(user, "Kept");
  }

  @AfterAll
  static void nothingWasLoggedAtError() {
    errors.assertNone();
  }

  @Test
  void malformedPercentEncodingInTheQueryIs400ForEveryRoute() {
    for (Operation op : everyRoute()) {
      expect400(raw(op, op.path() + "?cursor=%%%garbage"), "cursor: malformed percent-encoding");
      expect400(raw(op, op.path() + "?limit=10&%zz=1"), "query: malformed percent-encoding");
      expect400(raw(op, op.path() + "?tenant_id=%"), "tenant_id: malformed percent-encoding");
      expect400(raw(op, op.path() + "?label=%FF"), "label: percent-encoded bytes are not valid UTF-8");
      expect400(raw(op, op.path() + "?state=%C0%80"), "state: percent-encoded bytes are not valid UTF-8");
      expect400(raw(op, op.path() + "?state=caf\u00c3\u00a9"), "state: must be printable ASCII");
    }
    assertUnchanged();
  }

  @Test
  void malformedPercentEncodingInThePathIs400ForEveryRoute() {
    for (Operation op : everyRoute()) {
      String broken = op.template().contains("{id}") ? op.template().replace("{id}", "%zz") : op.path() + "%zz";
      expect400(raw(op, broken), "path: malformed percent-encoding");
      String notUtf8 = op.template().contains("{id}") ? op.template().replace("{id}", "inst_%FF") : op.path() + "%FF";
      expect400(raw(op, notUtf8), "path: percent-encoded bytes are not valid UTF-8");
    }
    assertUnchanged();
  }

  @Test
  void aMalformedContentTypeIs400AndAnotherCharsetOrEncoding415ForEveryRoute() {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    for (Operation op : apiRoutes()) {
      expect400(raw(op, op.path(), Map.of("Content-Type", "application/json; =utf-8"), json),
          "Content-Type: malformed media type");
      expect400(raw(op, op.path(), Map.of("Content-Type", "application/json; charset=\"utf-8"), json),
          "Content-Type: malformed media type");
      expect400(raw(op, op.path(), Map.of("Content-Type", ";;;"), json), "Content-Type: malformed media type");
      raw(op, op.path(), Map.of("Content-Type", "application/json; charset=latin1"), json)
          .expectError(415, "unsupported_media_type");
      raw(op, op.path(), Map.of("Content-Type", "application/jsonx"), json).expectError(415, "unsupported_media_type");
      expect400(raw(op, op.path(), Map.of("Content-Type", "multipart/form-data; boundary="), json),
          "Content-Type: malformed media type");
      raw(op, op.path(), Map.of("Content-Type", "multipart/form-data; boundary=x"), json)
          .expectError(415, "unsupported_media_type");
      raw(op, op.path(), Map.of("Content-Type", "application/x-www-form-urlencoded"), "a=%zz".getBytes())
          .expectError(415, "unsupported_media_type");
      raw(op, op.path(), Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), json)
          .expectError(415, "unsupported_media_type");
    }
    assertUnchanged();
  }

  /** Routes that read a body; the OpenAPI document itself reads none. */
  @Test
  void aBodyThatIsNotUtf8OrCannotBeStoredIs400ForEveryRouteThatReadsOne() {
    for (Operation op : apiRoutes()) {
      if (op.template().equals(OpenApi.PATH)) {
        continue;
      }
      expect400(raw(op, op.path(), json(), new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xff, '"', '}'}),
          "body: malformed JSON");
      expect400(raw(op, op.path(), json(), "{\"x\": \"\\ud800\"}".getBytes()), "x: must be valid Unicode");
      expect400(raw(op, op.path(), json(), "{\"x\": {\"k\\udfff\": 1}}".getBytes()), "x: keys must be valid Unicode");
      expect400(raw(op, op.path(), json(), "{\"x\": 1e400}".getBytes()), "x: number out of range");
      expect400(raw(op, op.path(), json(), "{\"x\": [1, -1e999]}".getBytes()), "x[1]: number out of range");
      expect400(raw(op, op.path(), json(), "{\"x\": \"a\\u0000b\"}".getBytes()), "x: must not contain the NUL");
    }
    assertUnchanged();
  }

  @Test
  void aNumberTooLargeForItsFieldIsRefusedNamingTheField() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("resources.replicas", "\"resources\": {\"replicas\": 1e30}");
    fields.put("resources.cpu_millis", "\"resources\": {\"cpu_millis\": 18446744073709551616}");
    fields.put("resources.memory_mb", "\"resources\": {\"memory_mb\": -9223372036854775809}");
    fields.put("resources.disk_mb", "\"resources\": {\"disk_mb\": 4294967296}");
    fields.put("ports[0].container_port", "\"ports\": [{\"container_port\": 1e10}]");
    for (Map.Entry<String, String> field : fields.entrySet()) {
      String body = "{\"name\": \"n\", \"image\": \"hello:1.0\", \"provider_name\": \"noop\", " + field.getValue() + "}";
      expect400(user.send("POST", "/v1/instances", body), field.getKey() + ": must be an integer in");
    }
    expect400(user.send("POST", "/v1/instances/" + instanceId + "/scale",
        "{\"resources\": {\"replicas\": 99999999999999999999}}"), "resources.replicas: must be an integer in");
    expect400(node.admin().send("PUT", "/v1/admin/tenants/" + tenantId + "/quota", "{\"max_instances\": 1e20, "
        + "\"max_cpu_millis\": 1, \"max_memory_mb\": 1, \"max_domains\": 1, \"max_secrets\": 1}"),
        "max_instances: must be an integer in");
    expect400(user.get("/v1/instances?limit=99999999999999999999"), "limit: must be an integer in");
    assertUnchanged();
  }

  @Test
  void oddHeaderValuesAreRefusedOrIgnoredNeverA500() {
    String target = "/v1/instances/" + instanceId;
    Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
    RawHttp.send(node.node().port(), "GET", target, Map.of("Authorization", "Bearer \u00ff\u00fe"), null)
        .expectError(401, "unauthorized");
    RawHttp.send(node.node().port(), "GET", target, Map.of("Authorization", "Basic x"), null)
        .expectError(401, "unauthorized");
    Api.Response odd = RawHttp.send(node.node().port(), "GET", target,
        with(auth, "X-Request-Id", "\u00ff\u00fe not sane"), null).expect(200);
    assertTrue(odd.header("X-Request-Id").orElseThrow().matches("[0-9a-f-]{36}"), odd::toString);
    for (String ifMatch : List.of(",,,", "\"99999999999\"", "W/", "\u00ff")) {
      expect400(RawHttp.send(node.node().port(), "PATCH", target, with(with(auth, "If-Match", ifMatch),
          "Content-Type", "application/json"), "{\"name\": \"Changed\"}".getBytes()), "If-Match:");
    }
    expect400(RawHttp.send(node.node().port(), "POST", target + "/stop", with(with(auth, "Expect", "999-nope"),
        "Content-Type", "application/json"), "{}".getBytes()), "Expect:");
    assertUnchanged();
  }

  @Test
  void requestsVertxWebRefusesBeforeAnyHandlerAreJsonErrorsWithARequestId() {
    int port = node.node().port();
    Api.Response noHost = RawHttp.sendRaw(port, "no Host",
        "GET /v1/instances HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes());
    expect400(noHost, "malformed request: For HTTP/1.x requests, the 'Host' header is required");
    for (String target : List.of("*", "v1/instances")) {
      Api.Response notAPath = RawHttp.send(port, "GET", target, Map.of(), null).expectError(404, "not_found");
      assertEquals(notAPath.json().getString("request_id"), notAPath.header("X-Request-Id").orElseThrow());
    }
  }

  @Test
  void requestsTheHttpDecoderCannotReadAreJson400sOrAClosedConnection() {
    int port = node.node().port();
    String start = "POST /v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("a Content-Length that is no number", start + "Content-Length: abc\r\n\r\n{}");
    cases.put("two Content-Lengths", start + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
    cases.put("a control character in a header", start + "X-Odd: a\u0001b\r\n\r\n");
    cases.put("a header name with a space", start + "X Odd: a\r\n\r\n");
    cases.put("headers too large", start + "X-Pad: " + "a".repeat(9000) + "\r\n\r\n");
    cases.put("a request line too long", "GET /v1/instances?pad=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Api.Response response = RawHttp.sendRaw(port, c.getKey(), c.getValue().getBytes(StandardCharsets.ISO_8859_1));
      expect400(response, "");
      assertEquals(response.json().getString("request_id"), response.header("X-Request-Id").orElseThrow());
    }
    Api.Response chunk = RawHttp.sendRaw(port, "a broken chunk size", (start + "Content-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").getBytes());
    // past the headers nothing can be answered: Vert.x reports the broken chunk and closes the connection
    assertEquals(-1, chunk.status(), chunk::body);
    RawHttp.sendAndHangUp(port, (start + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na")
        .getBytes());
    assertUnchanged();
  }

  /** One documented operation, with its path made concrete (ids of objects the test owns). */
  record Operation(String method, String template, String path) {}

  /** Every operation of the OpenAPI document, and the operations endpoints. */
  static List<Operation> everyRoute() {
    List<Operation> routes = new ArrayList<>(apiRoutes());
    for (String endpoint : OPERATIONS_ENDPOINTS) {
      String[] parts = endpoint.split(" ");
      routes.add(new Operation(parts[0], parts[1], parts[1]));
    }
    return routes;
  }

  static List<Operation> apiRoutes() {
    JsonObject paths = user.get(OpenApi.PATH).expect(200).json().getJsonObject("paths");
    List<Operation> routes = new ArrayList<>();
    for (String template : paths.fieldNames()) {
      String id = template.startsWith("/v1/admin/tenants/") ? tenantId : instanceId;
      for (String method : paths.getJsonObject(template).fieldNames()) {
        routes.add(new Operation(method.toUpperCase(), template, template.replace("{id}", id)));
      }
    }
    assertEquals(OpenApi.SUMMARIES.size(), routes.size(), "every documented operation is swept");
    return routes;
  }

  private static Api.Response raw(Operation op, String target) {
    return raw(op, target, Map.of(), null);
  }

  private static Api.Response raw(Operation op, String target, Map<String, String> headers, byte[] body) {
    String bearer = op.template().startsWith("/v1/admin") ? node.adminToken() : token;
    return RawHttp.send(node.node().port(), op.method(), target, with(headers, "Authorization", "Bearer " + bearer),
        body);
  }

  private static Map<String, String> json() {
    return Map.of("Content-Type", "application/json");
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return more;
  }

  private static void expect400(Api.Response response, String messageStart) {
    response.expectError(400, "invalid_argument");
    String message = response.json().getString("message");
    assertTrue(message.startsWith(messageStart), () -> response.request() + " -> " + message);
  }

  /** The test's instance and tenant are as they were: no refused request changed anything. */
  static void assertUnchanged() {
    JsonObject instance = user.get("/v1/instances/" + instanceId).expect(200).json();
    assertEquals("running", instance.getString("state"), instance::encode);
    assertEquals("Kept", instance.getString("name"));
    assertEquals(1, instance.getJsonObject("resources").getInteger("replicas"));
    assertEquals(1, user.get("/v1/instances").expect(200).json().getLong("total"));
    assertEquals("active", node.admin().get("/v1/admin/tenants/" + tenantId).expect(200).json().getString("status"));
  }
}
