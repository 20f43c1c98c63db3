package dev.ctrlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.ErrorLog;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the HTTP edge itself refuses (SPEC §1, §2): oversized and non-JSON bodies, ids that cannot name an instance,
 * unknown paths and wrong methods. Every refusal is a JSON error and changes nothing.
 */
class EdgeTest {

  @RegisterExtension
  @Order(0)
  static final ErrorLog errors = new ErrorLog();

  @RegisterExtension
  @Order(1)
  static final NodeExtension node = new NodeExtension();
  static Api api;
  static String id;

  @BeforeAll
  static void aRunningInstance() {
    api = node.tenantApi();
    id = Fixtures.runningNoop(api, "Edge");
  }

  /** Every refusal here is the client's: none of them is logged at ERROR. */
  @AfterAll
  static void nothingWasLoggedAtError() {
    errors.assertNone();
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    String padding = "x".repeat(1024 * 1024);
    String body = Fixtures.noopInstance("Huge").put("labels", new JsonObject().put("pad", padding)).encode();

    api.send("POST", "/v1/instances", body).expectError(413, "payload_too_large");
    api.send("PATCH", "/v1/instances/" + id, body).expectError(413, "payload_too_large");

    assertUnchanged();
  }

  @Test
  void bodyJustUnderTheLimitIsReadAndValidated() {
    String padding = "x".repeat(1024 * 1024 - 200);
    String body = Fixtures.noopInstance("Big").put("labels", new JsonObject().put("pad", padding)).encode();
    // read, then refused by validation (label values are short), not by size
    Api.Response refused = api.send("POST", "/v1/instances", body).expectError(400, "invalid_argument");
    assertTrue(refused.json().getString("message").startsWith("labels.pad"), refused::body);
  }

  @ParameterizedTest(name = "Content-Type: {0} -> 415")
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"})
  void nonJsonBodyIs415(String type) {
    api.with("Content-Type", type).send("POST", "/v1/instances", Fixtures.noopInstance("Typed").encode())
        .expectError(415, "unsupported_media_type");
    assertUnchanged();
  }

  @Test
  void jsonWithACharsetIsFine() {
    Api other = node.tenantApi();
    other.with("Content-Type", "application/json; charset=utf-8")
        .send("POST", "/v1/instances", Fixtures.noopInstance("Charset").encode()).expect(201);
  }

  @ParameterizedTest(name = "/v1/instances/{0} -> 404")
  @ValueSource(strings = {"nope", "ten_01m8kw2g26eg9vvwj0az17w0d3", "inst_01m8kw2g26eg9vvwj0az17w0d", "inst_01m8kw2g26eg9vvwj0az17w0d3x",
      "INST_01M8KW2G26EG9VVWJ0AZ17W0D3", "inst_81m8kw2g26eg9vvwj0az17w0d3", "inst_01m8kw2g26eg9vvwj0az17w0du", "inst_",
      "%20", "inst_01m8kw2g26eg9vvwj0az17w0d%00", "..%2F..%2Fetc"})
  void anIdThatCannotNameAnInstanceIs404ForEveryMethod(String bad) {
    String path = "/v1/instances/" + bad;
    api.get(path).expectError(404, "not_found");
    api.patch(path, new JsonObject().put("name", "x")).expectError(404, "not_found");
    api.delete(path).expectError(404, "not_found");
    for (String action : new String[] {"start", "stop", "restart", "suspend", "unsuspend"}) {
      api.post(path + "/" + action).expectError(404, "not_found");
    }
    api.post(path + "/scale", new JsonObject().put("resources", new JsonObject().put("replicas", 2)))
        .expectError(404, "not_found");
    assertUnchanged();
  }

  @Test
  void aWellFormedIdThatDoesNotExistIs404() {
    api.get("/v1/instances/inst_01m8kw2g26eg9vvwj0az17w0d3").expectError(404, "not_found");
  }

  @ParameterizedTest(name = "GET {0} -> 404")
  @ValueSource(strings = {"/v1/nope", "/v1/instances/" + "inst_01m8kw2g26eg9vvwj0az17w0d3/nope", "/nope", "/v2/instances",
      "/v1/instances/x/y/z"})
  void unknownPathIs404(String path) {
    api.get(path).expectError(404, "not_found");
    api.post(path, new JsonObject()).expectError(404, "not_found");
  }

  @Test
  void knownPathWithTheWrongMethodIs405() {
    api.put("/v1/instances", Fixtures.noopInstance("Put")).expectError(405, "method_not_allowed");
    api.delete("/v1/instances").expectError(405, "method_not_allowed");
    api.patch("/v1/instances", new JsonObject()).expectError(405, "method_not_allowed");
    api.post("/v1/instances/" + id, new JsonObject()).expectError(405, "method_not_allowed");
    api.put("/v1/instances/" + id, new JsonObject()).expectError(405, "method_not_allowed");
    api.get("/v1/instances/" + id + "/start").expectError(405, "method_not_allowed");
    assertUnchanged();
  }

  /** RFC 9110: a 405 says which methods the resource does support. */
  @Test
  void a405NamesTheMethodsThatPathAnswers() {
    assertEquals(Optional.of("GET, POST"), api.put("/v1/instances", new JsonObject()).expect(405).header("Allow"));
    assertEquals(Optional.of("DELETE, GET, PATCH"),
        api.post("/v1/instances/" + id, new JsonObject()).expect(405).header("Allow"));
    assertEquals(Optional.of("POST"), api.get("/v1/instances/" + id + "/start").expect(405).header("Allow"));
  }

  static void assertUnchanged() {
    JsonObject page = api.get("/v1/instances").expect(200).json();
    assertEquals(1, page.getLong("total"), page::encode);
    assertEquals("running", api.get("/v1/instances/" + id).expect(200).json().getString("state"));
    assertEquals("Edge", api.get("/v1/instances/" + id).expect(200).json().getString("name"));
  }
}
