package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same call sent many times at once (a double click, a retrying client): exactly one wins and the others get the
 * error a single late caller would get, never a 500 or a lost update.
 */
class InstanceConcurrencyTest {

  static final int CALLERS = 8;

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void parallelCreatesWithOneNameMakeOneInstance() throws Exception {
    Api api = node.tenantApi();

    Map<String, Integer> outcomes = all(() -> api.post("/v1/instances", Fixtures.noopInstance("Racing")));

    assertEquals(Map.of("201", 1, "409 already_exists", CALLERS - 1), outcomes);
    assertEquals(1, api.get("/v1/instances").expect(200).json().getLong("total"));
  }

  @Test
  void parallelStopsOfOneInstanceStopItOnce() throws Exception {
    Api api = node.tenantApi();
    String id = Fixtures.runningNoop(api, "Stop Race");

    Map<String, Integer> outcomes = all(() -> api.post("/v1/instances/" + id + "/stop"));

    assertEquals(1, outcomes.get("202"), outcomes::toString);
    assertEquals(CALLERS - 1, outcomes.get("409 invalid_state"), outcomes::toString);
    api.awaitState(id, "stopped", 30);
  }

  @Test
  void parallelPatchesWithTheSameIfMatchLetOneWin() throws Exception {
    Api api = node.tenantApi();
    String id = Fixtures.runningNoop(api, "Patch Race");
    String etag = api.get("/v1/instances/" + id).expect(200).header("ETag").orElseThrow();

    Map<String, Integer> outcomes = all(() -> api.with("If-Match", etag)
        .patch("/v1/instances/" + id, new JsonObject().put("labels", new JsonObject().put("writer", "w"))));

    assertEquals(Map.of("200", 1, "412 precondition_failed", CALLERS - 1), outcomes);
  }

  @Test
  void parallelDeletesAllSucceedAndDeleteOnce() throws Exception {
    Api api = node.tenantApi();
    String id = Fixtures.runningNoop(api, "Delete Race");

    Map<String, Integer> outcomes = all(() -> api.delete("/v1/instances/" + id));

    // idempotent while destroying; once gone, a late one is a 404
    assertEquals(CALLERS, outcomes.getOrDefault("202", 0) + outcomes.getOrDefault("404 not_found", 0), outcomes::toString);
    api.awaitGone(id, 30);
  }

  /** Sends the call from every caller at once; counts outcomes as "status" or "status code". */
  static Map<String, Integer> all(Callable<Api.Response> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Api.Response>> sent = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      sent.add(pool.submit(() -> {
        go.await();
        return call.call();
      }));
    }
    go.countDown();
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Future<Api.Response> response : sent) {
      Api.Response r = response.get(60, TimeUnit.SECONDS);
      String key = r.status() < 400 ? String.valueOf(r.status()) : r.status() + " " + r.expectError(r.status(),
          r.json().getString("code")).json().getString("code");
      outcomes.merge(key, 1, Integer::sum);
    }
    return outcomes;
  }
}
