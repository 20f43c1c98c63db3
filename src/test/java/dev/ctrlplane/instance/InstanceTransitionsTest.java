package dev.ctrlplane.instance;

import static dev.ctrlplane.support.Fixtures.INSTANCE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestImages;
import dev.ctrlplane.support.TestImages.Gate;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transitional states (SPEC §4) with real processes held in them by the test image's gates: while an instance is
 * provisioning, starting, restarting, scaling, stopping, suspending or destroying, a second action is 409 and the
 * work in flight still ends where it should. Deleting while provisioning or destroying is accepted (again).
 */
class InstanceTransitionsTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages(Map.of("provider.process.stop_grace", "10s"));
  static Api api;

  @BeforeAll
  static void aTenant() {
    api = node.tenantApi();
  }

  @Test
  void provisioningAllowsOnlyDeleteAndDeletingTwiceIsAcceptedAgain() {
    Gate started = TestImages.gate();
    // The same gate holds the stop too: the destroy, which interrupts the start, still waits for it.
    JsonObject created = api.post("/v1/instances", instance(Map.of("START_GATE", started.env(),
        "STOP_GATE", started.env()))).expect(201).json();
    String id = created.getString("id");
    assertEquals("provisioning", created.getString("state"));

    refusesEveryActionBut(id, "provisioning", "delete");
    assertEquals("destroying", api.delete("/v1/instances/" + id).expect(202).json().getString("state"));
    assertEquals("destroying", api.delete("/v1/instances/" + id).expect(202).json().getString("state"));
    refusesEveryActionBut(id, "destroying", "delete");
    started.open();

    api.awaitGone(id, 30);
    api.delete("/v1/instances/" + id).expectError(404, "not_found");
    api.post("/v1/instances/" + id + "/start").expectError(404, "not_found");
  }

  @Test
  void startingRefusesASecondAction() {
    String id = running(Map.of());
    api.post("/v1/instances/" + id + "/stop?wait=10s").expect(200);
    Gate started = startGateFromNowOn(id);

    assertEquals("starting", api.post("/v1/instances/" + id + "/start").expect(202).json().getString("state"));

    refusesEveryActionBut(id, "starting", null);
    started.open();
    api.awaitState(id, "running", 30);
  }

  @Test
  void restartingRefusesASecondAction() {
    String id = running(Map.of());
    Gate started = startGateFromNowOn(id);

    assertEquals("restarting", api.post("/v1/instances/" + id + "/restart").expect(202).json().getString("state"));

    refusesEveryActionBut(id, "restarting", null);
    started.open();
    api.awaitState(id, "running", 30);
  }

  @Test
  void scalingRefusesASecondAction() {
    String id = running(Map.of());
    Gate started = startGateFromNowOn(id);

    JsonObject scaling = api.post("/v1/instances/" + id + "/scale", replicas(2)).expect(202).json();
    assertEquals("scaling", scaling.getString("state"));
    assertEquals(2, scaling.getJsonObject("resources").getInteger("replicas"));

    refusesEveryActionBut(id, "scaling", null);
    started.open();
    JsonObject scaled = api.awaitState(id, "running", 30);
    assertEquals(2, scaled.getJsonArray("endpoints").size(), scaled::encode);
  }

  @Test
  void unsuspendingRefusesASecondAction() {
    String id = running(Map.of());
    api.post("/v1/instances/" + id + "/suspend?wait=10s").expect(200);
    Gate started = startGateFromNowOn(id);

    assertEquals("starting", api.post("/v1/instances/" + id + "/unsuspend").expect(202).json().getString("state"));

    refusesEveryActionBut(id, "starting", null);
    started.open();
    api.awaitState(id, "running", 30);
  }

  @Test
  void stoppingRefusesASecondAction() {
    Gate stopped = TestImages.gate();
    String id = running(Map.of("STOP_GATE", stopped.env()));

    assertEquals("stopping", api.post("/v1/instances/" + id + "/stop").expect(202).json().getString("state"));

    refusesEveryActionBut(id, "stopping", null);
    stopped.open();
    api.awaitState(id, "stopped", 30);
  }

  @Test
  void suspendingRefusesASecondAction() {
    Gate stopped = TestImages.gate();
    String id = running(Map.of("STOP_GATE", stopped.env()));

    assertEquals("suspending", api.post("/v1/instances/" + id + "/suspend").expect(202).json().getString("state"));

    refusesEveryActionBut(id, "suspending", null);
    stopped.open();
    api.awaitState(id, "suspended", 30);
  }

  @Test
  void destroyingAcceptsDeleteAgainAndRefusesEverythingElse() {
    Gate stopped = TestImages.gate();
    String id = running(Map.of("STOP_GATE", stopped.env()));

    assertEquals("destroying", api.delete("/v1/instances/" + id).expect(202).json().getString("state"));
    assertEquals("destroying", api.delete("/v1/instances/" + id).expect(202).json().getString("state"));

    refusesEveryActionBut(id, "destroying", "delete");
    stopped.open();
    api.awaitGone(id, 30);
  }

  /** Every action but {@code except} is 409 invalid_state, and the instance is still {@code state} afterwards. */
  static void refusesEveryActionBut(String id, String state, String except) {
    for (String action : INSTANCE_ACTIONS) {
      if (action.equals(except)) {
        continue;
      }
      Api.Response refused = switch (action) {
        case "delete" -> api.delete("/v1/instances/" + id);
        case "scale" -> api.post("/v1/instances/" + id + "/scale", replicas(3));
        default -> api.post("/v1/instances/" + id + "/" + action);
      };
      refused.expectError(409, "invalid_state");
    }
    assertEquals(state, api.get("/v1/instances/" + id).expect(200).json().getString("state"));
  }

  static String running(Map<String, String> env) {
    String id = api.post("/v1/instances", instance(env)).expect(201).id();
    api.awaitState(id, "running", 30);
    return id;
  }

  /** Env changes apply at the next start: from then on the replicas wait for the returned gate to listen. */
  static Gate startGateFromNowOn(String id) {
    Gate gate = TestImages.gate();
    api.patch("/v1/instances/" + id, new JsonObject().put("env", new JsonObject().put("START_GATE", gate.env())))
        .expect(200);
    return gate;
  }

  static JsonObject instance(Map<String, String> env) {
    return Fixtures.processInstance(Fixtures.uniqueName("gated"), TestImages.CTL, env);
  }

  static JsonObject replicas(int count) {
    return new JsonObject().put("resources", new JsonObject().put("replicas", count));
  }
}
