package dev.ctrlplane.deploy;

import static dev.ctrlplane.deploy.DeploymentFixtures.awaitDeployment;
import static dev.ctrlplane.deploy.DeploymentFixtures.awaitReleased;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deploy, rollback, releases and their rules through the API, on the noop provider (no processes). */
class DeploymentApiTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(java.util.Map.of("deploy.canary_window", "1s"));

  private static JsonObject noop(String name) {
    return Fixtures.noopInstance(Fixtures.uniqueName(name)).put("env", new JsonObject().put("A", "1").put("B", "2"))
        .put("resources", new JsonObject().put("replicas", 2));
  }

  private static String running(Api api, String name) {
    String id = api.post("/v1/instances", noop(name)).expect(201).id();
    api.awaitState(id, "running", 30);
    return id;
  }

  @Test
  void aDeployRecordsAReleaseRollsOutAndTheInstanceTakesItsImageAndMergedEnv() {
    Api api = node.tenantApi();
    String id = running(api, "Deployed");
    String v1 = api.get("/v1/instances/" + id).expect(200).json().getString("current_release_id");

    JsonObject accepted = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", "hello:2.0")
        .put("env", new JsonObject().put("B", "two").put("C", "3")).put("notes", "ship it").put("commit_sha", "abc123"))
        .expect(201).json();

    assertEquals("pending", accepted.getString("state"));
    assertEquals("rolling", accepted.getString("strategy"));
    assertEquals(v1, accepted.getString("previous_release_id"));
    assertEquals(new JsonObject().put("total", 2).put("updated", 0).put("healthy", 0), accepted.getJsonObject("progress"));
    JsonObject done = awaitDeployment(api, accepted.getString("id"), "succeeded", 30);
    assertEquals(new JsonObject().put("total", 2).put("updated", 2).put("healthy", 2), done.getJsonObject("progress"));
    assertTrue(done.getString("finished_at") != null && done.getString("started_at") != null);
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals("hello:2.0", instance.getString("image"));
    assertEquals(new JsonObject().put("A", "1").put("B", "two").put("C", "3"), instance.getJsonObject("env"));
    assertEquals(accepted.getString("release_id"), instance.getString("current_release_id"));
    assertNull(instance.getValue("deployment_id"));
    assertEquals("running", instance.getString("state"));

    JsonObject release = api.get("/v1/releases/" + accepted.getString("release_id")).expect(200).json();
    assertEquals(2, release.getInteger("version"));
    assertEquals("deploy", release.getString("source"));
    assertEquals("ship it", release.getString("notes"));
    assertEquals("abc123", release.getString("commit_sha"));
    assertEquals(instance.getJsonObject("env"), release.getJsonObject("env"));
    JsonObject releases = api.get("/v1/instances/" + id + "/releases").expect(200).json();
    assertEquals(List.of(2, 1), versions(releases));
    assertEquals(2, releases.getLong("total"));
    JsonObject page = api.get("/v1/instances/" + id + "/deployments").expect(200).json();
    assertEquals(1, page.getLong("total"));
    assertEquals(done, page.getJsonArray("items").getJsonObject(0));
  }

  @Test
  void aRollbackIsANewReleaseCopyingTheTargetAndAnotherInstancesReleaseIsNotFound() {
    Api api = node.tenantApi();
    String id = running(api, "Rolled");
    String v1 = api.get("/v1/instances/" + id).expect(200).json().getString("current_release_id");
    deployAndWait(api, id, new JsonObject().put("image", "hello:2.0"));
    deployAndWait(api, id, new JsonObject().put("image", "hello:3.0").put("env", new JsonObject().put("A", "x")));

    JsonObject rollback = api.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", v1)
        .put("strategy", "recreate")).expect(201).json();
    assertEquals("recreate", rollback.getString("strategy"));
    awaitDeployment(api, rollback.getString("id"), "succeeded", 30);

    JsonObject v4 = api.get("/v1/releases/" + rollback.getString("release_id")).expect(200).json();
    JsonObject first = api.get("/v1/releases/" + v1).expect(200).json();
    assertEquals(4, v4.getInteger("version"));
    assertEquals("rollback", v4.getString("source"));
    assertEquals(v1, v4.getString("rolled_back_from"));
    assertEquals(first.getString("image"), v4.getString("image"));
    assertEquals(first.getJsonObject("env"), v4.getJsonObject("env"));
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals("hello:1.0", instance.getString("image"));
    assertEquals(new JsonObject().put("A", "1").put("B", "2"), instance.getJsonObject("env"));
    assertEquals(List.of(4, 3, 2, 1), versions(api.get("/v1/instances/" + id + "/releases").expect(200).json()));

    String other = running(api, "Other");
    String othersRelease = api.get("/v1/instances/" + other).expect(200).json().getString("current_release_id");
    api.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", othersRelease))
        .expectError(404, "not_found");
    api.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", "rel_nope"))
        .expectError(404, "not_found");
    assertEquals(4, api.get("/v1/instances/" + id + "/releases").expect(200).json().getLong("total"));
  }

  @Test
  void releasesPageByVersionWithAStableCursor() {
    Api api = node.tenantApi();
    String id = running(api, "Paged");
    for (int i = 0; i < 4; i++) {
      deployAndWait(api, id, new JsonObject());
    }
    JsonObject first = api.get("/v1/instances/" + id + "/releases?limit=2").expect(200).json();
    assertEquals(List.of(5, 4), versions(first));
    deployAndWait(api, id, new JsonObject());
    JsonObject second = api.get("/v1/instances/" + id + "/releases?limit=2&cursor=" + first.getString("next_cursor"))
        .expect(200).json();
    assertEquals(List.of(3, 2), versions(second));
    assertEquals(6, second.getLong("total"));
    api.get("/v1/instances/" + id + "/releases?cursor=%21%21").expectError(400, "invalid_argument");
  }

  @Test
  void aStoppedInstanceRecordsTheReleaseAtOnceAndRunsItAtTheNextStart() {
    Api api = node.tenantApi();
    String id = running(api, "Stopped");
    api.post("/v1/instances/" + id + "/stop?wait=20s").expect(200);

    JsonObject deployment = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", "hello:2.0"))
        .expect(201).json();

    assertEquals("succeeded", deployment.getString("state"));
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals("stopped", instance.getString("state"));
    assertEquals("hello:2.0", instance.getString("image"));
    assertEquals(deployment.getString("release_id"), instance.getString("current_release_id"));
    assertEquals("running", api.post("/v1/instances/" + id + "/start?wait=20s").expect(200).json().getString("state"));
  }

  @Test
  void onlyARunningStoppedOrFailedInstanceCanBeDeployed() {
    Api api = node.tenantApi();
    String suspended = running(api, "Suspended");
    api.post("/v1/instances/" + suspended + "/suspend?wait=20s").expect(200);
    api.post("/v1/instances/" + suspended + "/deploy", new JsonObject()).expectError(409, "invalid_state");
    api.post("/v1/instances/" + suspended + "/rollback", new JsonObject().put("release_id",
        api.get("/v1/instances/" + suspended).expect(200).json().getString("current_release_id")))
        .expectError(409, "invalid_state");
    assertEquals(1, api.get("/v1/instances/" + suspended + "/releases").expect(200).json().getLong("total"));
  }

  @Test
  void badInputIsA400NamingTheFieldAndStoresNothing() {
    Api api = node.tenantApi();
    String id = running(api, "Bad");
    String deploy = "/v1/instances/" + id + "/deploy";
    api.post(deploy, new JsonObject().put("strategy", "yolo")).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("strategy", 3)).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("image", "../x")).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("env", new JsonObject().put("1X", "v"))).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("env", "nope")).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("notes", "x".repeat(1001))).expectError(400, "invalid_argument");
    api.post(deploy, new JsonObject().put("commit_sha", "a b")).expectError(400, "invalid_argument");
    api.with("Idempotency-Key", " ").post(deploy, new JsonObject()).expectError(400, "invalid_argument");
    api.post("/v1/instances/" + id + "/rollback", new JsonObject()).expectError(400, "invalid_argument");
    api.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", 7))
        .expectError(400, "invalid_argument");
    JsonObject env = new JsonObject();
    IntStream.range(0, 199).forEach(i -> env.put("K" + i, "v"));
    api.post(deploy, new JsonObject().put("env", env)).expectError(400, "invalid_argument");
    assertEquals(1, api.get("/v1/instances/" + id + "/releases").expect(200).json().getLong("total"));
    assertEquals(0, api.get("/v1/instances/" + id + "/deployments").expect(200).json().getLong("total"));
  }

  @Test
  void anotherTenantSeesNothing() {
    Api api = node.tenantApi();
    Api stranger = node.tenantApi();
    String id = running(api, "Private");
    JsonObject deployment = deployAndWait(api, id, new JsonObject());
    stranger.get("/v1/deployments/" + deployment.getString("id")).expectError(404, "not_found");
    stranger.post("/v1/deployments/" + deployment.getString("id") + "/cancel").expectError(404, "not_found");
    stranger.get("/v1/releases/" + deployment.getString("release_id")).expectError(404, "not_found");
    stranger.get("/v1/instances/" + id + "/releases").expectError(404, "not_found");
    stranger.get("/v1/instances/" + id + "/deployments").expectError(404, "not_found");
    stranger.post("/v1/instances/" + id + "/deploy", new JsonObject()).expectError(404, "not_found");
    stranger.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", deployment.getString("release_id")))
        .expectError(404, "not_found");
    api.get("/v1/deployments/dep_nope").expectError(404, "not_found");
    api.get("/v1/deployments/inst_01jzzzzzzzzzzzzzzzzzzzzzzz").expectError(404, "not_found");
    api.get("/v1/releases/x").expectError(404, "not_found");
    api.post("/v1/deployments/" + deployment.getString("id") + "/cancel").expectError(409, "invalid_state");
  }

  @Test
  void everyDeployRollbackAndCancelIsAudited() {
    Api api = node.tenantApi();
    String id = running(api, "Audited");
    String v1 = api.get("/v1/instances/" + id).expect(200).json().getString("current_release_id");
    JsonObject deployed = deployAndWait(api, id, new JsonObject().put("strategy", "canary"));
    JsonObject rolled = api.post("/v1/instances/" + id + "/rollback", new JsonObject().put("release_id", v1))
        .expect(201).json();
    awaitReleased(api, rolled.getString("id"), id, 30);

    JsonArray entries = node.admin().get("/v1/admin/audit?resource=instance&resource_id=" + id).expect(200).json()
        .getJsonArray("items");
    List<String> actions = entries.stream().map(e -> ((JsonObject) e).getString("action")).toList();
    assertTrue(actions.containsAll(List.of("create", "deploy", "rollback")), actions.toString());
    JsonObject deployEntry = entries.stream().map(e -> (JsonObject) e)
        .filter(e -> e.getString("action").equals("deploy")).findFirst().orElseThrow();
    assertEquals(deployed.getString("id"), deployEntry.getJsonObject("details").getString("deployment_id"));
    assertEquals("canary", deployEntry.getJsonObject("details").getString("strategy"));
  }

  @Test
  void metricsCountDeploymentsByOutcomeAndStatsCountTheRunningOnes() {
    Api api = node.tenantApi();
    String id = running(api, "Counted");
    deployAndWait(api, id, new JsonObject());
    dev.ctrlplane.support.Poll.until(() -> {
      String metrics = api.as(null).get("/metrics").expect(200).body();
      return metrics.lines().anyMatch(l -> l.startsWith("ctrlplane_deployments{state=\"succeeded\"}")
          && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1);
    }, 30, () -> "ctrlplane_deployments{state=succeeded} to count the deployment");
    JsonObject stats = node.admin().get("/v1/admin/stats").expect(200).json().getJsonObject("deployments");
    assertTrue(stats.getJsonObject("by_state").getLong("succeeded") >= 1, stats.encode());
    assertEquals(stats.getJsonObject("by_state").getLong("running", 0L), stats.getLong("running"));
  }

  static JsonObject deployAndWait(Api api, String id, JsonObject body) {
    JsonObject accepted = api.post("/v1/instances/" + id + "/deploy", body).expect(201).json();
    return awaitDeployment(api, accepted.getString("id"), "succeeded", 60);
  }

  private static List<Integer> versions(JsonObject page) {
    return page.getJsonArray("items").stream().map(r -> ((JsonObject) r).getInteger("version")).toList();
  }
}
