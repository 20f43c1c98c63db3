package dev.ctrlplane.secrets;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bad input of a set is a 400 naming its field, in a message that never echoes the value; nothing is stored. */
class SecretValidationTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static final String VALUE = "never-echoed-3a9f";
  static Api user;
  static String path;
  static String instanceId;

  @BeforeAll
  static void instance() {
    user = node.tenantApi();
    instanceId = Fixtures.runningNoop(user, "web");
    path = "/v1/instances/" + instanceId + "/secrets";
  }

  private static JsonObject body(String key, Object value, Object type) {
    JsonObject body = new JsonObject();
    if (key != null) {
      body.put("key", key);
    }
    if (value != null) {
      body.put("value", value);
    }
    if (type != null) {
      body.put("type", type);
    }
    return body;
  }

  @Test
  void eachBadFieldIsA400NamingItAndNothingIsStored() {
    Map<String, JsonObject> bad = new LinkedHashMap<>();
    bad.put("missing key", body(null, VALUE, "env"));
    bad.put("key not a string", body(null, VALUE, "env").put("key", 42));
    bad.put("empty key", body("", VALUE, "env"));
    bad.put("env key starting with a digit", body("1ABC", VALUE, "env"));
    bad.put("env key with a dash", body("MY-KEY", VALUE, "env"));
    bad.put("env key with a dot", body("my.key", VALUE, "env"));
    bad.put("env key with a slash", body("a/b", VALUE, "env"));
    bad.put("env key over 255 bytes", body("K".repeat(256), VALUE, "env"));
    bad.put("absolute file key", body("/etc/passwd", VALUE, "file"));
    bad.put("file key with ..", body("../outside", VALUE, "file"));
    bad.put("file key with .. inside", body("a/../../b", VALUE, "file"));
    bad.put("file key of ..", body("..", VALUE, "file"));
    bad.put("file key with a . segment", body("a/./b", VALUE, "file"));
    bad.put("file key with an empty segment", body("a//b", VALUE, "file"));
    bad.put("file key with a trailing slash", body("a/", VALUE, "file"));
    bad.put("file key with a newline", body("a\nb", VALUE, "file"));
    bad.put("file key over 255 bytes of UTF-8", body("é".repeat(128), VALUE, "file"));
    bad.put("unknown type", body("A", VALUE, "yaml"));
    bad.put("type not a string", body("A", VALUE, 1));
    bad.put("missing value", body("A", null, "env"));
    bad.put("value not a string", body("A", 12345, "env"));
    bad.put("value an object", body("A", new JsonObject().put("v", VALUE), "env"));
    bad.put("value over 64 KiB", body("A", "x".repeat(64 * 1024 + 1), "env"));
    bad.put("value over 64 KiB of UTF-8", body("A", "é".repeat(32 * 1024 + 1), "file"));
    Map<String, String> field = Map.ofEntries(
        Map.entry("unknown type", "type"), Map.entry("type not a string", "type"),
        Map.entry("missing value", "value"), Map.entry("value not a string", "value"),
        Map.entry("value an object", "value"), Map.entry("value over 64 KiB", "value"),
        Map.entry("value over 64 KiB of UTF-8", "value"));
    bad.forEach((what, body) -> {
      Api.Response refused = user.post(path, body).expectError(400, "invalid_argument");
      String message = refused.json().getString("message");
      String expected = field.getOrDefault(what, "key");
      assertTrue(message.startsWith(expected + ":"), what + " -> " + message);
      assertFalse(refused.body().contains(VALUE), what + " echoed the value: " + refused.body());
    });
    assertEquals(new JsonArray(), user.get(path).expect(200).array());
    assertEquals(0, count(node.node(), "SELECT count(*) FROM secrets WHERE instance_id = $1", instanceId));
    assertEquals(0, count(node.node(), "SELECT count(*) FROM events WHERE type = 'secret.set' AND instance_id = $1",
        instanceId));
  }

  @Test
  void malformedBodiesAndNulsAre400sToo() {
    user.send("POST", path, "{not json").expectError(400, "invalid_argument");
    user.send("POST", path, "[1, 2]").expectError(400, "invalid_argument");
    String nulValue = user.send("POST", path, "{\"key\": \"A\", \"value\": \"x\\u0000y\"}")
        .expectError(400, "invalid_argument").json().getString("message");
    assertTrue(nulValue.startsWith("value:"), nulValue);
    String nulKey = user.send("POST", path, "{\"key\": \"a\\u0000b\", \"value\": \"x\", \"type\": \"file\"}")
        .expectError(400, "invalid_argument").json().getString("message");
    assertTrue(nulKey.startsWith("key:"), nulKey);
    // as JSON escapes: a Java client would encode a lone surrogate as '?' before sending it
    String surrogateKey = user.send("POST", path, "{\"key\": \"a\\ud800\", \"value\": \"x\", \"type\": \"file\"}")
        .expectError(400, "invalid_argument").json().getString("message");
    assertTrue(surrogateKey.startsWith("key:") && surrogateKey.contains("Unicode"), surrogateKey);
    Api.Response surrogateValue = user.send("POST", path, "{\"key\": \"A\", \"value\": \"" + VALUE + "\\udc00\"}")
        .expectError(400, "invalid_argument");
    assertTrue(surrogateValue.json().getString("message").startsWith("value:"), surrogateValue::body);
    assertFalse(surrogateValue.body().contains(VALUE));
    assertEquals(new JsonArray(), user.get(path).expect(200).array());
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    user.post(path, body("E".repeat(255), "x", "env")).expect(201);
    user.post(path, body("d/".repeat(126) + "abc", "x", "file")).expect(201);
    user.post(path, body("BIG", "x".repeat(64 * 1024), "env")).expect(201);
    user.post(path, body("EMPTY", "", "env")).expect(201);
    user.post(path, body("dir/ünïcödé name.txt", "é".repeat(32 * 1024), "file")).expect(201);
    user.post(path, body("_lower_ok_9", "x", "env")).expect(201);
    assertEquals(6, user.get(path).expect(200).array().size());
    for (Object item : user.get(path).expect(200).array()) {
      String key = ((JsonObject) item).getString("key");
      user.delete(path + "/" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)
          .replace("+", "%20")).expect(204);
    }
    assertEquals(new JsonArray(), user.get(path).expect(200).array());
  }
}
