package dev.ctrlplane.deploy;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/** Waiting on deployments as a user would: polling {@code GET /v1/deployments/{id}}. */
final class DeploymentFixtures {

  private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "rolled_back");

  private DeploymentFixtures() {}

  /** Polls until the deployment is in {@code state}; fails with the last body seen. */
  static JsonObject awaitDeployment(Api api, String id, String state, int seconds) {
    JsonObject[] last = new JsonObject[1];
    return Poll.value(() -> {
      last[0] = api.get("/v1/deployments/" + id).expect(200).json();
      return state.equals(last[0].getString("state")) ? Optional.of(last[0]) : Optional.empty();
    }, seconds, () -> "deployment " + id + " to be " + state + "; last seen " + last[0]);
  }

  /** Polls until the deployment ended and the instance is no longer held by it. */
  static JsonObject awaitReleased(Api api, String deploymentId, String instanceId, int seconds) {
    JsonObject[] last = new JsonObject[1];
    return Poll.value(() -> {
      // the instance first: the deployment, read after it, is at least as new as the transaction that let go of it
      JsonObject instance = api.get("/v1/instances/" + instanceId).expect(200).json();
      last[0] = api.get("/v1/deployments/" + deploymentId).expect(200).json();
      boolean done = ENDED.contains(last[0].getString("state")) && instance.getValue("deployment_id") == null
          && !instance.getString("state").equals("starting");
      return done ? Optional.of(last[0]) : Optional.empty();
    }, seconds, () -> "deployment " + deploymentId + " to end and let go of " + instanceId + "; last seen " + last[0]);
  }
}
