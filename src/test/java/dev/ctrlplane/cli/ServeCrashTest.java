package dev.ctrlplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.ServeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The crash promise, on the real server: {@code ctrlplane serve} (the CLI's main class, in a JVM of its own, on its
 * own embedded PostgreSQL in its own data dir, as a user runs it) takes concurrent creates and is SIGKILLed while
 * it answers them and starts their replicas. Started again on the same data dir, it still has every create it
 * answered 201, adopts the replicas the killed server had started (the same processes), starts the missing ones,
 * and no replica runs twice; creates it never answered either exist whole or not at all.
 */
class ServeCrashTest {

  private static final int CREATES = 12;
  private final ServeProcess server = new ServeProcess("crash-node", Path.of("images"));

  @AfterEach
  void stopEverything() throws IOException {
    try {
      server.stop();
    } finally {
      replicaDirIds().forEach(Processes::kill);
    }
  }

  @Test
  void everyAnsweredCreateSurvivesASigkillAndItsReplicasAreAdoptedNotDuplicated() throws Exception {
    Api admin = server.start();
    String tenantId = Fixtures.createTenant(admin, "enterprise").getString("id");
    String userToken = server.token(new JsonObject().put("sub", "alice").put("tenant_id", tenantId));
    Api user = admin.as(userToken);

    Map<String, Integer> answered = createConcurrentlyAndKill(user);
    Map<String, List<Long>> before = new HashMap<>();
    answered.keySet().forEach(id -> before.put(id, Processes.of(id)));

    admin = server.start();
    user = admin.as(userToken);
    JsonArray stored = user.get("/v1/instances?limit=100").expect(200).json().getJsonArray("items");
    Set<String> storedIds = new HashSet<>();
    stored.forEach(item -> storedIds.add(((JsonObject) item).getString("id")));
    assertTrue(storedIds.containsAll(answered.keySet()), "answered 201 but lost: " + answered.keySet() + " vs " + storedIds);
    assertTrue(storedIds.size() <= CREATES, storedIds::toString);
    for (String id : storedIds) {
      JsonObject running = user.awaitState(id, "running", 90);
      int replicas = running.getJsonObject("resources").getInteger("replicas");
      List<Long> now = Processes.of(id);
      assertEquals(replicas, now.size(), () -> id + " should run " + replicas + " replica(s), runs " + now);
      List<Long> adopted = before.getOrDefault(id, List.of());
      assertTrue(now.containsAll(adopted), () -> id + ": the replicas " + adopted + " were not adopted; now " + now);
      assertEquals(replicas, running.getJsonArray("endpoints").size(), running::encode);
    }
    // nothing runs for an instance the store does not have (a create that never committed started nothing)
    for (String id : replicaDirIds()) {
      if (!storedIds.contains(id)) {
        assertEquals(List.of(), Processes.of(id), "replicas of " + id + ", which the store does not have");
      }
    }
  }

  /**
   * Sends {@link #CREATES} creates at once (replicas alternately 1 and 2) and SIGKILLs the server as soon as half of
   * them were answered 201, while the rest are in flight and replicas are starting. The ids answered 201.
   */
  private Map<String, Integer> createConcurrentlyAndKill(Api user) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CREATES);
    try {
      List<Future<Api.Response>> sent = new ArrayList<>();
      for (int i = 0; i < CREATES; i++) {
        JsonObject body = Fixtures.processInstance("crash " + i, "hello:1.0", Map.of())
            .put("resources", new JsonObject().put("replicas", 1 + i % 2));
        sent.add(pool.submit(() -> user.post("/v1/instances", body)));
      }
      Poll.until(() -> sent.stream().filter(f -> f.isDone() && created(f).isPresent()).count() >= CREATES / 2, 60,
          () -> "half of the creates to be answered 201");
      server.kill();
      Map<String, Integer> answered = new HashMap<>();
      for (Future<Api.Response> response : sent) {
        try {
          response.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cutOff) {
          continue; // in flight when the server died: no answer
        }
        created(response).ifPresent(json -> answered.put(json.getString("id"),
            json.getJsonObject("resources").getInteger("replicas")));
      }
      assertFalse(answered.isEmpty());
      return answered;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Optional<JsonObject> created(Future<Api.Response> response) {
    try {
      Api.Response r = response.get(0, TimeUnit.SECONDS);
      return r.status() == 201 ? Optional.of(r.json()) : Optional.empty();
    } catch (Exception notAnswered) {
      return Optional.empty();
    }
  }

  /** The instances with a run dir under the server's data dir: every id it ever started replicas for. */
  private List<String> replicaDirIds() throws IOException {
    Path replicas = server.data().resolve("replicas");
    if (!Files.isDirectory(replicas)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(replicas)) {
      return dirs.map(dir -> dir.getFileName().toString()).toList();
    }
  }
}
