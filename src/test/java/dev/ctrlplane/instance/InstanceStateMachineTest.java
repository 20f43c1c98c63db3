package dev.ctrlplane.instance;

import static dev.ctrlplane.support.Fixtures.INSTANCE_ACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.TestImages;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §4's state table, cell by cell, over real HTTP: an allowed action answers 202 with the transitional state (200
 * with the settled state under {@code ?wait=}), a forbidden one 409 {@code invalid_state} and changes nothing. The
 * deploy column is not here: {@code /deploy} belongs to deployments (SPEC §5), not yet served.
 */
class InstanceStateMachineTest {

  /** The table: settled state → the actions it allows. */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "running", Set.of("stop", "restart", "scale", "suspend", "delete"),
      "stopped", Set.of("start", "scale", "suspend", "delete"),
      "failed", Set.of("start", "stop", "restart", "scale", "suspend", "delete"),
      "suspended", Set.of("unsuspend", "delete"));

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages(Map.of("provider.process.max_restarts", "0"));
  static Api api;

  @BeforeAll
  static void aTenant() {
    api = node.tenantApi();
  }

  static Stream<Arguments> everyCell() {
    return ALLOWED.keySet().stream().sorted()
        .flatMap(state -> INSTANCE_ACTIONS.stream().map(action -> Arguments.of(state, action)));
  }

  static Stream<Arguments> allowedCells() {
    return everyCell().filter(cell -> ALLOWED.get((String) cell.get()[0]).contains((String) cell.get()[1]));
  }

  static Stream<Arguments> forbiddenCells() {
    return everyCell().filter(cell -> !ALLOWED.get((String) cell.get()[0]).contains((String) cell.get()[1]));
  }

  @ParameterizedTest(name = "{0} + {1} -> 202")
  @MethodSource("allowedCells")
  void allowedActionAnswers202WithTheTransitionalStateThenSettles(String state, String action) {
    String id = instanceIn(state);

    JsonObject accepted = act(id, action, "").expect(202).json();

    assertEquals(transitional(state, action), accepted.getString("state"), accepted::encode);
    assertEquals(id, accepted.getString("id"));
    String settled = settled(state, action);
    if (settled == null) {
      api.awaitGone(id, 30);
    } else {
      api.awaitState(id, settled, 30);
    }
  }

  @ParameterizedTest(name = "{0} + {1}?wait=10s -> 200")
  @MethodSource("allowedCells")
  void allowedActionWithWaitAnswers200WithTheSettledState(String state, String action) {
    String id = instanceIn(state);

    Api.Response done = act(id, action, "?wait=10s");

    String settled = settled(state, action);
    if (settled == null) {
      done.expect(204);
      api.get("/v1/instances/" + id).expectError(404, "not_found");
      return;
    }
    JsonObject instance = done.expect(200).json();
    assertEquals(settled, instance.getString("state"), instance::encode);
    assertEquals(instance, api.get("/v1/instances/" + id).expect(200).json(), "the reply is the stored instance");
  }

  @ParameterizedTest(name = "{0} + {1} -> 409")
  @MethodSource("forbiddenCells")
  void forbiddenActionIs409AndChangesNothing(String state, String action) {
    String id = instanceIn(state);
    JsonObject before = api.get("/v1/instances/" + id).expect(200).json();

    Api.Response refused = act(id, action, "").expectError(409, "invalid_state");
    act(id, action, "?wait=10s").expectError(409, "invalid_state");

    assertTrue(refused.json().getString("message").contains(state), refused::body);
    assertEquals(before, api.get("/v1/instances/" + id).expect(200).json());
  }

  @Test
  void anImageThatCannotStartFailsTheInstanceWithItsErrorAndStartsOnceFixed() {
    JsonObject body = Fixtures.processInstance(Fixtures.uniqueName("broken"), TestImages.CTL,
        Map.of("FAIL", "config file missing"));
    String id = api.post("/v1/instances", body).expect(201).id();

    JsonObject failed = api.awaitState(id, "failed", 30);

    assertTrue(failed.getString("status_message").contains("config file missing"), failed::encode);
    assertEquals(List.of(), failed.getJsonArray("endpoints").getList());
    api.patch("/v1/instances/" + id, new JsonObject().put("env", new JsonObject())).expect(200);
    JsonObject running = api.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals("running", running.getString("state"));
    assertNull(running.getString("status_message"));
    assertEquals(1, Processes.of(id).size());
  }

  /** With provider.process.max_restarts 0, the first crash gives the instance up. */
  @Test
  void aReplicaThatDiesFailsTheInstanceWhichSaysWhyAndStartsAgain() {
    String id = api.post("/v1/instances", Fixtures.processInstance(Fixtures.uniqueName("crashy"), TestImages.CTL, Map.of()))
        .expect(201).id();
    api.awaitState(id, "running", 30);
    List<Long> pids = Processes.of(id);
    assertEquals(1, pids.size());

    ProcessHandle.of(pids.get(0)).ifPresent(ProcessHandle::destroyForcibly);

    JsonObject failed = api.awaitState(id, "failed", 30);
    assertTrue(failed.getString("status_message").contains("crashed"), failed::encode);
    assertEquals(List.of(), failed.getJsonArray("endpoints").getList());
    JsonObject running = api.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals("running", running.getString("state"));
    assertEquals(1, Processes.of(id).size());
  }

  @Test
  void suspendRecordsWhenAndWhyAndUnsuspendClearsIt() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("why"));

    JsonObject suspended = api.post("/v1/instances/" + id + "/suspend?wait=10s",
        new JsonObject().put("reason", "billing overdue")).expect(200).json();

    assertEquals("billing overdue", suspended.getString("suspend_reason"));
    assertNotNull(suspended.getString("suspended_at"));
    JsonObject resumed = api.post("/v1/instances/" + id + "/unsuspend?wait=10s").expect(200).json();
    assertNull(resumed.getString("suspend_reason"));
    assertNull(resumed.getString("suspended_at"));
  }

  /** A fresh instance in a settled state, reached through the API only. */
  static String instanceIn(String state) {
    String name = Fixtures.uniqueName(state);
    switch (state) {
      case "failed" -> {
        JsonObject body = Fixtures.processInstance(name, TestImages.CTL, Map.of("FAIL", "cannot start: told to fail"));
        String id = api.post("/v1/instances", body).expect(201).id();
        JsonObject failed = api.awaitState(id, "failed", 30);
        assertNotNull(failed.getString("status_message"), "a failed instance says why");
        return id;
      }
      case "running" -> {
        return Fixtures.runningNoop(api, name);
      }
      case "stopped" -> {
        String id = Fixtures.runningNoop(api, name);
        api.post("/v1/instances/" + id + "/stop?wait=10s").expect(200);
        return id;
      }
      case "suspended" -> {
        String id = Fixtures.runningNoop(api, name);
        api.post("/v1/instances/" + id + "/suspend?wait=10s", new JsonObject().put("reason", "test")).expect(200);
        return id;
      }
      default -> throw new IllegalArgumentException(state);
    }
  }

  static Api.Response act(String id, String action, String query) {
    return switch (action) {
      case "delete" -> api.delete("/v1/instances/" + id + query);
      case "scale" -> api.post("/v1/instances/" + id + "/scale" + query,
          new JsonObject().put("resources", new JsonObject().put("replicas", 2)));
      case "suspend" -> api.post("/v1/instances/" + id + "/suspend" + query, new JsonObject().put("reason", "test"));
      default -> api.post("/v1/instances/" + id + "/" + action + query);
    };
  }

  static String transitional(String from, String action) {
    return switch (action) {
      case "start", "unsuspend" -> "starting";
      case "stop" -> "stopping";
      case "restart" -> "restarting";
      // nothing runs, so there is nothing to resize: the new size is recorded and applies at the next start
      case "scale" -> from.equals("stopped") ? "stopped" : "scaling";
      case "suspend" -> "suspending";
      case "delete" -> "destroying";
      default -> throw new IllegalArgumentException(action);
    };
  }

  /** Where the action ends; null: the instance is gone. A failed instance's image still cannot start. */
  static String settled(String from, String action) {
    return switch (action) {
      case "start", "restart", "unsuspend" -> from.equals("failed") ? "failed" : "running";
      case "scale" -> from.equals("failed") ? "failed" : from.equals("stopped") ? "stopped" : "running";
      case "stop" -> "stopped";
      case "suspend" -> "suspended";
      case "delete" -> null;
      default -> throw new IllegalArgumentException(action);
    };
  }
}
