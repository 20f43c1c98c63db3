package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/instances} (SPEC §4): the object it answers with, slugs, defaults, and where provisioning ends. */
class InstanceCreateTest {

  static final Set<String> FIELDS = Set.of("id", "tenant_id", "name", "slug", "image", "provider_name", "provider_ref",
      "region", "state", "status_message", "resources", "ports", "env", "labels", "endpoints", "current_release_id",
      "suspended_at", "suspend_reason", "version", "created_at", "updated_at");
  static final String RFC3339_MILLIS_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("provider.default", "noop"));

  @Test
  void answers201WithTheFullObjectInProvisioning() {
    String tenant = node.tenant();
    Api api = node.api(node.token(tenant, "alice"));
    Instant before = Instant.now().minusSeconds(1);

    JsonObject created = api.post("/v1/instances", Fixtures.noopInstance("Full Object")).expect(201).json();

    assertTrue(created.fieldNames().containsAll(FIELDS), () -> "missing " + missing(created));
    assertTrue(created.getString("id").matches("inst_[0-7][0-9a-hjkmnp-tv-z]{25}"), created.getString("id"));
    assertEquals(tenant, created.getString("tenant_id"));
    assertEquals("Full Object", created.getString("name"));
    assertEquals("full-object", created.getString("slug"));
    assertEquals("hello:1.0", created.getString("image"));
    assertEquals("noop", created.getString("provider_name"));
    assertEquals("provisioning", created.getString("state"));
    assertNull(created.getString("status_message"));
    assertEquals(new JsonObject().put("cpu_millis", 500).put("memory_mb", 256).put("disk_mb", 1024).put("replicas", 1),
        created.getJsonObject("resources"));
    assertEquals(new JsonArray(), created.getJsonArray("ports"));
    assertEquals(new JsonObject(), created.getJsonObject("env"));
    assertEquals(new JsonObject(), created.getJsonObject("labels"));
    assertEquals(new JsonArray(), created.getJsonArray("endpoints"));
    assertTrue(created.getString("current_release_id").matches("rel_[0-7][0-9a-hjkmnp-tv-z]{25}"), created::encode);
    assertNull(created.getString("suspended_at"));
    assertEquals(1, created.getInteger("version"));
    assertTrue(created.getString("created_at").matches(RFC3339_MILLIS_UTC), created::encode);
    assertEquals(created.getString("created_at"), created.getString("updated_at"));
    Instant createdAt = Instant.parse(created.getString("created_at"));
    assertTrue(createdAt.isAfter(before) && createdAt.isBefore(Instant.now().plusSeconds(1)), createdAt::toString);
  }

  @Test
  void everySentFieldIsKept() {
    Api api = node.tenantApi();
    JsonObject body = Fixtures.noopInstance("Kept").put("region", "eu-west")
        .put("resources", new JsonObject().put("cpu_millis", 250).put("memory_mb", 512).put("replicas", 3))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080))
            .add(new JsonObject().put("container_port", 53).put("protocol", "udp")))
        .put("env", new JsonObject().put("GREETING", "hi"))
        .put("labels", new JsonObject().put("team", "core").put("app.kubernetes.io/name", "kept"));

    JsonObject created = api.post("/v1/instances", body).expect(201).json();
    JsonObject stored = api.awaitState(created.getString("id"), "running", 30);

    for (JsonObject instance : List.of(created, stored)) {
      assertEquals("eu-west", instance.getString("region"));
      assertEquals(new JsonObject().put("cpu_millis", 250).put("memory_mb", 512).put("disk_mb", 1024).put("replicas", 3),
          instance.getJsonObject("resources"));
      assertEquals(new JsonArray()
              .add(new JsonObject().put("container_port", 8080).put("host_port", 0).put("protocol", "tcp"))
              .add(new JsonObject().put("container_port", 53).put("host_port", 0).put("protocol", "udp")),
          instance.getJsonArray("ports"));
      assertEquals(body.getJsonObject("env"), instance.getJsonObject("env"));
      assertEquals(body.getJsonObject("labels"), instance.getJsonObject("labels"));
    }
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "My App          | my-app",
      "My  App - Two   | my-app-two",
      "web-01          | web-01",
      "UPPER case 9    | upper-case-9",
      "a               | a",
      "x--y            | x-y",
      "trailing -      | trailing",
  })
  void slugIsTheNameLowerCasedWithRunsOfOtherCharactersAsOneDash(String name, String slug) {
    Api api = node.tenantApi();
    JsonObject created = api.post("/v1/instances", Fixtures.noopInstance(name)).expect(201).json();
    assertEquals(slug, created.getString("slug"));
    assertEquals(name, created.getString("name"));
  }

  /** SPEC §4 allows only letters, digits, '-' and spaces in names: "My App!!" is refused rather than slugged. */
  @Test
  void nameWithOtherCharactersIs400() {
    Api api = node.tenantApi();
    Api.Response refused = api.post("/v1/instances", Fixtures.noopInstance("My App!!")).expectError(400, "invalid_argument");
    assertTrue(refused.json().getString("message").startsWith("name"), refused::body);
  }

  @Test
  void slugClashInTheSameTenantIs409AlreadyExists() {
    Api api = node.tenantApi();
    String first = api.post("/v1/instances", Fixtures.noopInstance("Clash Me")).expect(201).id();

    api.post("/v1/instances", Fixtures.noopInstance("Clash Me")).expectError(409, "already_exists");
    api.post("/v1/instances", Fixtures.noopInstance("clash  me")).expectError(409, "already_exists");

    JsonObject page = api.get("/v1/instances").expect(200).json();
    assertEquals(1, page.getLong("total"));
    assertEquals(first, page.getJsonArray("items").getJsonObject(0).getString("id"));
  }

  @Test
  void sameNameInAnotherTenantIsFine() {
    Api a = node.tenantApi();
    Api b = node.tenantApi();
    JsonObject inA = a.post("/v1/instances", Fixtures.noopInstance("Shared Name")).expect(201).json();
    JsonObject inB = b.post("/v1/instances", Fixtures.noopInstance("Shared Name")).expect(201).json();
    assertEquals(inA.getString("slug"), inB.getString("slug"));
    assertNotEquals(inA.getString("tenant_id"), inB.getString("tenant_id"));
  }

  @Test
  void provisioningEndsRunningOnItsInitialRelease() {
    Api api = node.tenantApi();
    JsonObject created = api.post("/v1/instances", Fixtures.noopInstance("Runs")
        .put("env", new JsonObject().put("A", "1"))).expect(201).json();
    String id = created.getString("id");

    JsonObject running = api.awaitState(id, "running", 30);

    assertEquals(created.getString("current_release_id"), running.getString("current_release_id"));
    assertEquals("noop:" + id, running.getString("provider_ref"));
    assertNull(running.getString("status_message"));
    assertTrue(running.getInteger("version") > created.getInteger("version"));
    assertFalse(Instant.parse(running.getString("updated_at")).isBefore(Instant.parse(running.getString("created_at"))));
    List<Row> releases = Futures.await(node.plane().pool()
        .preparedQuery("SELECT * FROM releases WHERE instance_id = $1").execute(Tuple.of(id)))
        .stream().toList();
    assertEquals(1, releases.size());
    Row v1 = releases.get(0);
    assertEquals(created.getString("current_release_id"), v1.getString("id"));
    assertEquals(1, v1.getInteger("version"));
    assertEquals("initial", v1.getString("source"));
    assertEquals("hello:1.0", v1.getString("image"));
    assertEquals(new JsonObject().put("A", "1"), v1.getValue("env"));
  }

  @Test
  void providerDefaultsToTheConfiguredOne() {
    Api api = node.tenantApi();
    JsonObject body = Fixtures.noopInstance("Default Provider");
    body.remove("provider_name");
    assertEquals("noop", api.post("/v1/instances", body).expect(201).json().getString("provider_name"));
  }

  @Test
  void unknownProviderOrMissingImageIs400AndCreatesNothing() {
    Api api = node.tenantApi();
    Api.Response unknown = api.post("/v1/instances", Fixtures.noopInstance("No Provider").put("provider_name", "kubernetes"))
        .expectError(400, "invalid_argument");
    assertTrue(unknown.json().getString("message").startsWith("provider_name"), unknown::body);
    Api.Response noImage = api.post("/v1/instances",
        Fixtures.noopInstance("No Image").put("provider_name", "process").put("image", "does-not-exist:1.0"))
        .expectError(400, "invalid_argument");
    assertTrue(noImage.json().getString("message").contains("does-not-exist"), noImage::body);
    assertEquals(0, api.get("/v1/instances").expect(200).json().getLong("total"));
  }

  static Set<String> missing(JsonObject json) {
    return FIELDS.stream().filter(f -> !json.containsKey(f)).collect(Collectors.toSet());
  }
}
