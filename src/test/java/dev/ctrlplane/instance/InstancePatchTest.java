package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET} with its ETag and {@code PATCH} with If-Match (SPEC §4): optimistic concurrency as HTTP offers it. */
class InstancePatchTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  Api api;
  String id;

  /** A running instance named "Patch Me" with env A=1, B=2 and labels team=core, tier=web, in a tenant of its own. */
  @BeforeEach
  void instance() {
    api = node.tenantApi();
    id = api.post("/v1/instances", Fixtures.noopInstance("Patch Me")
        .put("env", new JsonObject().put("A", "1").put("B", "2"))
        .put("labels", new JsonObject().put("team", "core").put("tier", "web"))).expect(201).id();
    api.awaitState(id, "running", 30);
  }

  @Test
  void getCarriesTheVersionAsETag() {
    Api.Response got = api.get(path()).expect(200);
    assertEquals("\"" + got.json().getInteger("version") + "\"", got.header("ETag").orElseThrow());
  }

  @Test
  void patchWithMatchingIfMatchIs200AndMovesTheETag() {
    Api.Response got = api.get(path()).expect(200);
    String etag = got.header("ETag").orElseThrow();

    Api.Response patched = api.with("If-Match", etag)
        .patch(path(), new JsonObject().put("labels", new JsonObject().put("team", "edge"))).expect(200);

    int version = patched.json().getInteger("version");
    assertEquals(got.json().getInteger("version") + 1, version);
    assertEquals("\"" + version + "\"", patched.header("ETag").orElseThrow());
    assertEquals(patched.json(), api.get(path()).expect(200).json());
  }

  @Test
  void patchWithStaleIfMatchIs412AndChangesNothing() {
    String stale = api.get(path()).expect(200).header("ETag").orElseThrow();
    api.patch(path(), new JsonObject().put("name", "Moved On")).expect(200);
    JsonObject current = api.get(path()).expect(200).json();

    api.with("If-Match", stale).patch(path(), new JsonObject().put("name", "Lost Update"))
        .expectError(412, "precondition_failed");

    assertEquals(current, api.get(path()).expect(200).json());
  }

  /** RFC 9110: If-Match may list several ETags; the change goes ahead when the current one is among them. */
  @Test
  void ifMatchWithAListOfETagsMatchesAnyOfThem() {
    int version = api.get(path()).expect(200).json().getInteger("version");
    String others = "\"" + (version + 5) + "\", \"" + (version + 6) + "\"";

    Api.Response refused = api.with("If-Match", others).patch(path(), new JsonObject().put("name", "Not Listed"))
        .expectError(412, "precondition_failed");
    assertTrue(refused.json().getString("message").endsWith("not " + (version + 5) + " or " + (version + 6)),
        refused::body);

    Api.Response patched = api.with("If-Match", others + ", \"" + version + "\"")
        .patch(path(), new JsonObject().put("name", "Listed")).expect(200);
    assertEquals("Listed", patched.json().getString("name"));
    assertEquals(version + 1, patched.json().getInteger("version"));
  }

  @ParameterizedTest(name = "If-Match: {0} -> 400")
  @ValueSource(strings = {"abc", "\"abc\"", "\"1\"x", "1.5", "\"\"", "\"1\",", "\"1\", abc"})
  void malformedIfMatchIs400AndChangesNothing(String ifMatch) {
    JsonObject before = api.get(path()).expect(200).json();
    Api.Response refused = api.with("If-Match", ifMatch).patch(path(), new JsonObject().put("name", "Never"))
        .expectError(400, "invalid_argument");
    assertTrue(refused.json().getString("message").startsWith("If-Match"), refused::body);
    assertEquals(before, api.get(path()).expect(200).json());
  }

  /** RFC 9110: {@code If-Match: *} matches any current representation. */
  @Test
  void ifMatchStarMatchesAnExistingInstance() {
    api.with("If-Match", "*").patch(path(), new JsonObject().put("name", "Any Version")).expect(200);
    api.with("If-Match", "*").patch("/v1/instances/inst_01m8kvn9bmfg6bg1bsfdzgv12d", new JsonObject().put("name", "X"))
        .expectError(404, "not_found");
  }

  @Test
  void renamingReSlugs() {
    JsonObject renamed = api.patch(path(), new JsonObject().put("name", "Brand New Name")).expect(200).json();
    assertEquals("Brand New Name", renamed.getString("name"));
    assertEquals("brand-new-name", renamed.getString("slug"));
    api.post("/v1/instances", Fixtures.noopInstance("Patch Me")).expect(201);
  }

  @Test
  void renamingOntoAnotherInstancesSlugIs409AndChangesNothing() {
    api.post("/v1/instances", Fixtures.noopInstance("Taken Name")).expect(201);
    JsonObject before = api.get(path()).expect(200).json();

    api.patch(path(), new JsonObject().put("name", "taken  name")).expectError(409, "already_exists");

    assertEquals(before, api.get(path()).expect(200).json());
  }

  @Test
  void renamingToItsOwnSlugIsFine() {
    JsonObject renamed = api.patch(path(), new JsonObject().put("name", "PATCH ME")).expect(200).json();
    assertEquals("PATCH ME", renamed.getString("name"));
    assertEquals("patch-me", renamed.getString("slug"));
  }

  @Test
  void absentFieldsStayAsTheyWere() {
    JsonObject before = api.get(path()).expect(200).json();

    JsonObject patched = api.patch(path(), new JsonObject().put("labels", new JsonObject().put("x", "y")))
        .expect(200).json();

    assertEquals(before.getString("name"), patched.getString("name"));
    assertEquals(before.getString("slug"), patched.getString("slug"));
    assertEquals(before.getJsonObject("env"), patched.getJsonObject("env"));
    assertEquals(before.getString("image"), patched.getString("image"));
    assertEquals(before.getJsonObject("resources"), patched.getJsonObject("resources"));
    assertEquals(before.getString("state"), patched.getString("state"));
  }

  @Test
  void envAndLabelsAreReplacedNotMerged() {
    JsonObject patched = api.patch(path(), new JsonObject()
        .put("env", new JsonObject().put("C", "3"))
        .put("labels", new JsonObject())).expect(200).json();

    assertEquals(new JsonObject().put("C", "3"), patched.getJsonObject("env"));
    assertEquals(new JsonObject(), patched.getJsonObject("labels"));
    assertEquals(patched, api.get(path()).expect(200).json());
  }

  @Test
  void invalidPatchIs400AndChangesNothing() {
    JsonObject before = api.get(path()).expect(200).json();

    api.patch(path(), new JsonObject().put("name", 5)).expectError(400, "invalid_argument");
    api.patch(path(), new JsonObject().put("name", "")).expectError(400, "invalid_argument");
    api.patch(path(), new JsonObject().put("env", new JsonObject().put("1BAD", "x"))).expectError(400, "invalid_argument");
    api.patch(path(), new JsonObject().put("labels", new JsonObject().put("k", 1))).expectError(400, "invalid_argument");
    api.patch(path(), new JsonObject().put("name", "Good").put("env", "not an object"))
        .expectError(400, "invalid_argument");

    assertEquals(before, api.get(path()).expect(200).json());
  }

  String path() {
    return "/v1/instances/" + id;
  }
}
