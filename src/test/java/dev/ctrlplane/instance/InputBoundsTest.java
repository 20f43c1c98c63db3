package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every bound docs/API.md promises (and SPEC §4's name), tried at the bound, where the value is stored exactly as
 * sent, and one past it, where the request is a 400 naming the field and nothing is stored.
 */
class InputBoundsTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  Api api;

  @BeforeEach
  void tenant() {
    api = node.tenantApi();
  }

  @Test
  void envHoldsAtMost200Entries() {
    assertBound(n -> Fixtures.noopInstance("env entries").put("env", entries(n, i -> "K" + i, i -> "v")), 200, "env",
        created -> assertEquals(200, created.getJsonObject("env").size()));
  }

  @Test
  void envKeysAreAtMost128Characters() {
    assertBound(n -> Fixtures.noopInstance("env key").put("env", new JsonObject().put("K".repeat(n), "v")), 128,
        "env", created -> assertTrue(created.getJsonObject("env").containsKey("K".repeat(128))));
  }

  @Test
  void envValuesAreAtMost32KiB() {
    assertBound(n -> Fixtures.noopInstance("env value").put("env", new JsonObject().put("BIG", "v".repeat(n))), 32768,
        "env.BIG", created -> assertEquals(32768, created.getJsonObject("env").getString("BIG").length()));
  }

  @Test
  void labelsHoldAtMost64Entries() {
    assertBound(n -> Fixtures.noopInstance("labels").put("labels", entries(n, i -> "k" + i, i -> "v")), 64, "labels",
        created -> assertEquals(64, created.getJsonObject("labels").size()));
  }

  @Test
  void labelKeysAreAtMost63Characters() {
    assertBound(n -> Fixtures.noopInstance("label key").put("labels", new JsonObject().put("k".repeat(n), "v")), 63,
        "labels", created -> assertTrue(created.getJsonObject("labels").containsKey("k".repeat(63))));
  }

  @Test
  void labelValuesAreAtMost255Characters() {
    assertBound(n -> Fixtures.noopInstance("label value").put("labels", new JsonObject().put("k", "v".repeat(n))),
        255, "labels.k", created -> assertEquals(255, created.getJsonObject("labels").getString("k").length()));
  }

  @Test
  void portsAreAtMost20() {
    assertBound(n -> {
      JsonArray ports = new JsonArray();
      for (int i = 0; i < n; i++) {
        ports.add(new JsonObject().put("container_port", 8000 + i));
      }
      return Fixtures.noopInstance("ports").put("ports", ports);
    }, 20, "ports", created -> assertEquals(20, created.getJsonArray("ports").size()));
  }

  @Test
  void regionIsAtMost63Characters() {
    assertBound(n -> Fixtures.noopInstance("region").put("region", "r".repeat(n)), 63, "region",
        created -> assertEquals("r".repeat(63), created.getString("region")));
  }

  @Test
  void nameIsAtMost63Characters() {
    assertBound(n -> Fixtures.noopInstance("n".repeat(n)), 63, "name",
        created -> assertEquals("n".repeat(63), created.getString("name")));
  }

  @Test
  void diskIsFrom1To1048576Mebibytes() {
    assertBound(n -> Fixtures.noopInstance("disk").put("resources", new JsonObject().put("disk_mb", n)), 1048576,
        "resources.disk_mb", created -> assertEquals(1048576, created.getJsonObject("resources").getInteger("disk_mb")));
    JsonObject smallest = api.post("/v1/instances", Fixtures.noopInstance("disk one")
        .put("resources", new JsonObject().put("disk_mb", 1))).expect(201).json();
    assertEquals(1, smallest.getJsonObject("resources").getInteger("disk_mb"));
    refused(api.post("/v1/instances", Fixtures.noopInstance("disk zero")
        .put("resources", new JsonObject().put("disk_mb", 0))), "resources.disk_mb");
  }

  @Test
  void aSuspendReasonIsAtMost500Characters() {
    String id = Fixtures.runningNoop(api, "Reasoned");
    refused(api.post("/v1/instances/" + id + "/suspend", new JsonObject().put("reason", "r".repeat(501))), "reason");
    assertEquals("running", api.get("/v1/instances/" + id).expect(200).json().getString("state"));
    JsonObject suspended = api.post("/v1/instances/" + id + "/suspend?wait=20s",
        new JsonObject().put("reason", "r".repeat(500))).expect(200).json();
    assertEquals("r".repeat(500), suspended.getString("suspend_reason"));
  }

  @Test
  void aTenantNameIsAtMost100Characters() {
    Api admin = node.admin();
    String slug = Fixtures.uniqueSlug("long");
    refused(admin.post("/v1/admin/tenants", new JsonObject().put("name", "t".repeat(101)).put("slug", slug)), "name");
    JsonObject created = admin.post("/v1/admin/tenants", new JsonObject().put("name", "t".repeat(100))
        .put("slug", slug)).expect(201).json();
    assertEquals("t".repeat(100), admin.get("/v1/admin/tenants/" + created.getString("id")).expect(200).json()
        .getString("name"));
  }

  @Test
  void tenantMetadataIsAtMost16KiBOfJson() {
    Api admin = node.admin();
    String id = Fixtures.createTenant(admin, "free").getString("id");
    // {"k":"…"} is 8 characters around the value
    JsonObject atBound = new JsonObject().put("k", "m".repeat(16 * 1024 - 8));
    JsonObject past = new JsonObject().put("k", "m".repeat(16 * 1024 - 7));
    refused(admin.patch("/v1/admin/tenants/" + id, new JsonObject().put("metadata", past)), "metadata");
    admin.patch("/v1/admin/tenants/" + id, new JsonObject().put("metadata", atBound)).expect(200);
    assertEquals(atBound, admin.get("/v1/admin/tenants/" + id).expect(200).json().getJsonObject("metadata"));
  }

  /**
   * One past the bound is refused naming {@code field} and creates nothing; at the bound the instance is created and
   * what GET returns is checked by {@code stored}.
   */
  private void assertBound(IntFunction<JsonObject> bodyOf, int bound, String field,
      java.util.function.Consumer<JsonObject> stored) {
    refused(api.post("/v1/instances", bodyOf.apply(bound + 1)), field);
    assertEquals(0, api.get("/v1/instances").expect(200).json().getLong("total"), "nothing was created");
    String id = api.post("/v1/instances", bodyOf.apply(bound)).expect(201).id();
    stored.accept(api.get("/v1/instances/" + id).expect(200).json());
  }

  private static void refused(Api.Response response, String field) {
    response.expectError(400, "invalid_argument");
    String message = response.json().getString("message");
    assertTrue(message.startsWith(field + ":"), () -> field + " not named: " + message);
  }

  private static JsonObject entries(int count, IntFunction<String> key, Function<Integer, String> value) {
    JsonObject object = new JsonObject();
    for (int i = 0; i < count; i++) {
      object.put(key.apply(i), value.apply(i));
    }
    return object;
  }
}
