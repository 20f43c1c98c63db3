package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runtime drives the provider to the replica sets stored on the instance, whichever code path converges it, and
 * the instance's endpoints are the ready replicas of its serving sets only (how a blue-green deploy keeps a new set
 * out of traffic until it switches).
 */
class InstanceReplicaSetsTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static final String STORE_SETS =
      "UPDATE instances SET replica_sets = $2, version = version + 1 WHERE id = $1";

  @Test
  void storedSetsAreWhatRunsAndOnlyServingSetsAreEndpoints() {
    Api api = node.tenantApi();
    String id = api.post("/v1/instances", Fixtures.processInstance("Sets", "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", 2))).expect(201).id();
    JsonObject instance = api.awaitState(id, "running", 60);
    String v1 = instance.getString("current_release_id");

    storeAndConverge(id, new JsonArray()
        .add(set(v1, "hello:1.0", 2, true))
        .add(set("rel_blue", "hello:2.0", 2, false)));
    RunningInstance both = awaitReplicas(id, 4);
    assertEquals(List.of(v1, v1, "rel_blue", "rel_blue"), both.replicas().stream().map(Replica::releaseId).toList());
    assertEquals(urls(both.of(v1)), endpointUrls(api.get("/v1/instances/" + id).expect(200).json()));

    storeAndConverge(id, new JsonArray()
        .add(set(v1, "hello:1.0", 2, false))
        .add(set("rel_blue", "hello:2.0", 2, true)));
    Poll.until(() -> endpointUrls(api.get("/v1/instances/" + id).expect(200).json()).equals(urls(both.of("rel_blue"))),
        30, () -> "the endpoints to switch to the blue set");

    storeAndConverge(id, null);
    RunningInstance atRest = awaitReplicas(id, 2);
    assertEquals(List.of(v1, v1), atRest.replicas().stream().map(Replica::releaseId).toList());
    assertEquals(both.of(v1), atRest.replicas());
  }

  private static JsonObject set(String release, String image, int count, boolean serving) {
    return new JsonObject().put("release_id", release).put("image", image).put("env", new JsonObject())
        .put("count", count).put("serving", serving);
  }

  private static void storeAndConverge(String id, JsonArray sets) {
    Futures.await(node.plane().pool().preparedQuery(STORE_SETS).execute(Tuple.of(id, sets)));
    Futures.await(node.plane().runtime().convergeHere(id));
  }

  private static RunningInstance awaitReplicas(String id, int count) {
    return Poll.value(() -> {
      RunningInstance now = Futures.await(node.plane().providers().get("process").status(id));
      return now.replicas().size() == count && now.replicas().stream().allMatch(Replica::ready)
          ? java.util.Optional.of(now) : java.util.Optional.empty();
    }, 60, () -> id + " to run " + count + " ready replicas");
  }

  private static List<String> urls(List<Replica> replicas) {
    return replicas.stream().map(r -> r.endpoint().url()).toList();
  }

  private static List<String> endpointUrls(JsonObject instance) {
    return instance.getJsonArray("endpoints").stream().map(e -> ((JsonObject) e).getString("url")).toList();
  }
}
