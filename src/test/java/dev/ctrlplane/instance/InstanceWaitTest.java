package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ?wait=} on lifecycle actions (SPEC §4): 200 once settled, 202 when the wait ends first, at most 60s. */
class InstanceWaitTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withTestImages();
  static Api api;

  @BeforeAll
  static void aTenant() {
    api = node.tenantApi();
  }

  @Test
  void stopWithWaitAnswers200Stopped() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    JsonObject stopped = api.post("/v1/instances/" + id + "/stop?wait=30s").expect(200).json();
    assertEquals("stopped", stopped.getString("state"));
    assertEquals("\"" + stopped.getInteger("version") + "\"",
        api.get("/v1/instances/" + id).expect(200).header("ETag").orElseThrow(), "the reply is the latest version");
  }

  @Test
  void waitAcceptsEveryDurationForm() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    assertEquals("stopped", api.post("/v1/instances/" + id + "/stop?wait=5000").expect(200).json().getString("state"));
    assertEquals("running", api.post("/v1/instances/" + id + "/start?wait=1m").expect(200).json().getString("state"));
    assertEquals("running", api.post("/v1/instances/" + id + "/restart?wait=60s").expect(200).json().getString("state"));
  }

  @ParameterizedTest(name = "wait={0} -> 400")
  @ValueSource(strings = {"61s", "2m", "60001", "abc", "-1s", "10x", "1h", ""})
  void waitOutOfRangeOrMalformedIs400AndDoesNothing(String wait) {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    JsonObject before = api.get("/v1/instances/" + id).expect(200).json();

    Api.Response refused = api.post("/v1/instances/" + id + "/stop?wait=" + wait).expectError(400, "invalid_argument");

    assertTrue(refused.json().getString("message").startsWith("wait"), refused::body);
    assertEquals(before, api.get("/v1/instances/" + id).expect(200).json());
  }

  @Test
  void waitShorterThanTheActionAnswers202WithTheTransitionalState() {
    String id = api.post("/v1/instances", Fixtures.processInstance(Fixtures.uniqueName("slow"), TestImages.CTL, Map.of()))
        .expect(201).id();
    api.awaitState(id, "running", 30);
    Gate started = TestImages.gate();
    api.patch("/v1/instances/" + id, new JsonObject().put("env", new JsonObject().put("START_GATE", started.env())))
        .expect(200);

    JsonObject pending = api.post("/v1/instances/" + id + "/restart?wait=300ms").expect(202).json();

    assertEquals("restarting", pending.getString("state"));
    started.open();
    api.awaitState(id, "running", 30);
  }

  @Test
  void restartOfRealProcessesWithWaitAnswers200Running() {
    String id = api.post("/v1/instances", Fixtures.processInstance(Fixtures.uniqueName("slow"), TestImages.CTL, Map.of()))
        .expect(201).id();
    api.awaitState(id, "running", 30);

    JsonObject restarted = api.post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();

    assertEquals("running", restarted.getString("state"));
    assertEquals(1, restarted.getJsonArray("endpoints").size(), restarted::encode);
  }

  @Test
  void refusedActionWithWaitIs409AtOnce() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    long started = System.nanoTime();
    api.post("/v1/instances/" + id + "/start?wait=60s").expectError(409, "invalid_state");
    assertTrue(System.nanoTime() - started < 30_000_000_000L, "did not hold the refusal for the wait");
  }

  @Test
  void deleteWithWaitAnswers204OnceGone() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    api.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    api.get("/v1/instances/" + id).expectError(404, "not_found");
  }

  @Test
  void scaleWithWaitAnswers200WithTheNewSize() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("w"));
    JsonObject scaled = api.post("/v1/instances/" + id + "/scale?wait=30s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 3).put("memory_mb", 512))).expect(200).json();
    assertEquals("running", scaled.getString("state"));
    assertEquals(3, scaled.getJsonObject("resources").getInteger("replicas"));
    assertEquals(512, scaled.getJsonObject("resources").getInteger("memory_mb"));
    assertEquals(500, scaled.getJsonObject("resources").getInteger("cpu_millis"), "unsent resources are kept");
  }
}
