package dev.ctrlplane.deploy;

import static dev.ctrlplane.deploy.DeploymentFixtures.awaitDeployment;
import static dev.ctrlplane.deploy.DeploymentFixtures.awaitReleased;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Processes;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every strategy on a real three-replica hello instance (hello:1.0 → hello:2.0): the order of its steps, seen in its
 * events, and what a user calling the instance's endpoints throughout saw.
 */
class RolloutStrategiesTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("deploy.canary_window", "2s"));

  private String instance(Api api) {
    String id = api.post("/v1/instances", Fixtures.processInstance(Fixtures.uniqueName("Roll"), "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", 3))).expect(201).id();
    api.awaitState(id, "running", 60);
    return id;
  }

  /** Deploys hello:2.0 and returns each step's sets, as "kind v1×n v2×m(s)" ((s): serving). */
  private List<String> deploy(Api api, String id, String strategy, RolloutSampler sampler) throws Exception {
    String v1 = api.get("/v1/instances/" + id).expect(200).json().getString("current_release_id");
    List<String> steps = new ArrayList<>();
    try (EventTap tap = EventTap.on(node.node(), "ctrlplane.events.deploy.progressed")) {
      JsonObject accepted = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", "hello:2.0")
          .put("strategy", strategy)).expect(201).json();
      awaitDeployment(api, accepted.getString("id"), "succeeded", 120);
      String v2 = accepted.getString("release_id");
      while (true) {
        JsonObject event;
        try {
          event = tap.next(e -> id.equals(e.getString("instance_id")), 1);
        } catch (AssertionError none) {
          break;
        }
        JsonObject step = event.getJsonObject("data").getJsonObject("step");
        StringBuilder text = new StringBuilder(step.getString("kind"));
        step.getJsonArray("sets").forEach(o -> {
          JsonObject set = (JsonObject) o;
          text.append(' ').append(set.getString("release_id").equals(v1) ? "v1" : set.getString("release_id")
              .equals(v2) ? "v2" : "?").append('×').append(set.getInteger("count"))
              .append(set.getBoolean("serving") ? "(s)" : "");
        });
        steps.add(text.toString());
      }
    }
    return steps;
  }

  private static void assertServedThroughout(List<RolloutSampler.Sample> samples, int replicas) {
    for (RolloutSampler.Sample sample : samples) {
      assertTrue(sample.endpoints() >= replicas, "fewer endpoints than replicas: " + sample);
      assertEquals(List.of(), sample.failures(), sample.toString());
    }
  }

  private static void assertAllOn(Api api, String id, String version) throws Exception {
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals("hello:" + version, instance.getString("image"));
    assertEquals(3, instance.getJsonArray("endpoints").size());
    try (RolloutSampler once = new RolloutSampler(api, id)) {
      // the sampler's first look is enough
      Thread.onSpinWait();
      List<RolloutSampler.Sample> seen = once.stop();
      assertTrue(seen.stream().allMatch(s -> s.versions().equals(List.of(version, version, version))), seen.toString());
    }
    assertEquals(3, Processes.of(id).size(), "exactly the instance's replicas run");
  }

  @Test
  void rollingStartsEachNewReplicaBeforeItStopsAnOldOneAndNeverServesFewer() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);
    RolloutSampler sampler = new RolloutSampler(api, id);

    List<String> steps = deploy(api, id, "rolling", sampler);

    assertServedThroughout(sampler.stop(), 3);
    assertEquals(List.of(
        "surge v1×3(s) v2×1(s)", "retire v1×2(s) v2×1(s)",
        "surge v1×2(s) v2×2(s)", "retire v1×1(s) v2×2(s)",
        "surge v1×1(s) v2×3(s)", "retire v2×3(s)"), steps);
    assertAllOn(api, id, "2.0");
  }

  @Test
  void blueGreenSwitchesEveryEndpointAtOnce() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);
    RolloutSampler sampler = new RolloutSampler(api, id);

    List<String> steps = deploy(api, id, "blue-green", sampler);

    List<RolloutSampler.Sample> samples = sampler.stop();
    assertServedThroughout(samples, 3);
    assertEquals(List.of("start-green v1×3(s) v2×3", "switch v1×3 v2×3(s)", "retire-blue v2×3(s)"), steps);
    for (RolloutSampler.Sample sample : samples) {
      assertEquals(1, Set.copyOf(sample.versions()).size(), "one colour at a time: " + sample);
    }
    assertAllOn(api, id, "2.0");
  }

  @Test
  void canaryWatchesOneReplicaThenRollsOn() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);

    List<String> steps = deploy(api, id, "canary", new RolloutSampler(api, id));

    assertEquals(List.of(
        "canary v1×3(s) v2×1(s)", "retire v1×2(s) v2×1(s)",
        "surge v1×2(s) v2×2(s)", "retire v1×1(s) v2×2(s)",
        "surge v1×1(s) v2×3(s)", "retire v2×3(s)"), steps);
    assertAllOn(api, id, "2.0");
  }

  @Test
  void recreateStopsEveryOldReplicaThenStartsTheNewOnes() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);
    List<Long> old = Processes.of(id);

    List<String> steps = deploy(api, id, "recreate", new RolloutSampler(api, id));

    assertEquals(List.of("stop-old", "start-new v2×3(s)"), steps);
    assertTrue(Processes.of(id).stream().noneMatch(old::contains), "every old process stopped");
    assertAllOn(api, id, "2.0");
  }

  @Test
  void aFailedReleaseIsRolledBackAndTheOldReplicasKeepServing() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);
    List<Long> old = Processes.of(id);
    RolloutSampler sampler = new RolloutSampler(api, id);

    JsonObject accepted = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", "hello:broken"))
        .expect(201).json();
    JsonObject ended = awaitReleased(api, accepted.getString("id"), id, 60);

    assertServedThroughout(sampler.stop(), 3);
    assertEquals("rolled_back", ended.getString("state"));
    assertTrue(ended.getString("error").contains("DATABASE_URL is not set"), ended.getString("error"));
    JsonObject instance = api.get("/v1/instances/" + id).expect(200).json();
    assertEquals("hello:1.0", instance.getString("image"));
    assertEquals(accepted.getString("previous_release_id"), instance.getString("current_release_id"));
    assertEquals("running", instance.getString("state"));
    assertEquals(old, Processes.of(id));
  }

  @Test
  void aFailedRecreateStartsThePreviousReleaseAgain() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);

    JsonObject accepted = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", "hello:broken")
        .put("strategy", "recreate")).expect(201).json();
    JsonObject ended = awaitReleased(api, accepted.getString("id"), id, 60);

    assertEquals("rolled_back", ended.getString("state"));
    api.awaitState(id, "running", 30);
    assertAllOn(api, id, "1.0");
  }
}
