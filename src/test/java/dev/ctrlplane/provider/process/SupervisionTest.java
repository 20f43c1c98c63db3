package dev.ctrlplane.provider.process;

import static dev.ctrlplane.provider.process.ProcessFixture.await;
import static dev.ctrlplane.provider.process.ProcessFixture.image;
import static dev.ctrlplane.provider.process.ProcessFixture.isAlive;
import static dev.ctrlplane.provider.process.ProcessFixture.spec;
import static dev.ctrlplane.provider.process.ProcessFixture.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.support.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class SupervisionTest {

  @TempDir Path runDir;
  @TempDir Path testImages;
  private ProcessFixture fixture;
  private final List<RunningInstance> changes = new CopyOnWriteArrayList<>();
  private final CompletableFuture<String> failed = new CompletableFuture<>();
  private final ProviderListener listener = new ProviderListener() {
    @Override
    public void instanceFailed(String instanceId, String message) {
      failed.complete(instanceId + ": " + message);
    }

    @Override
    public void instanceChanged(String instanceId, RunningInstance now) {
      changes.add(now);
    }
  };

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new ProcessFixture(vertx, runDir);
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.cleanUp();
  }

  @Test
  void aReplicaKilledFromOutsideIsRestartedOnItsPort() throws Exception {
    ProcessProvider provider = fixture.provider();
    provider.setListener(listener);
    RunningInstance before = await(provider.apply(spec("web", "hello:1.0", 1, Map.of("GREETING", "again"))));
    long pid = fixture.pids(before).get(0);

    Processes.kill(pid);

    until(() -> !changes.isEmpty(), "the restart is reported");
    RunningInstance after = changes.get(0);
    fixture.pids(after);
    assertNotEquals(pid, after.replicas().get(0).pid());
    assertEquals(1, after.replicas().get(0).restarts());
    assertEquals("running", after.replicas().get(0).state());
    assertEquals(before.endpoints(), after.endpoints());
    JsonObject body = new JsonObject(fixture.get(after.endpoints().get(0).url() + "/").body());
    assertEquals("again", body.getString("greeting"));
    assertEquals(after, await(provider.status("web")));
  }

  @Test
  void aReplicaThatKeepsCrashingIsRestartedThenTheInstanceFails() throws Exception {
    // listens, and exits with 3 as soon as someone connects: the provider's own probe
    image(testImages, "crash", "1.0", """
        #!/bin/sh
        exec python3 -c '
        import os, socket, sys
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(os.environ["PORT"])))
        s.listen()
        s.accept()
        print("crashing on purpose", file=sys.stderr)
        sys.exit(3)'
        """);
    ProcessProviderConfig base = fixture.config(testImages);
    ProcessProvider provider = fixture.provider(new ProcessProviderConfig(base.imagesDir(), base.runDir(),
        base.stopGrace(), base.startTimeout(), Duration.ofMillis(10), Duration.ofMillis(40), 2,
        Duration.ofSeconds(30)));
    provider.setListener(listener);

    fixture.pids(await(provider.apply(spec("c", "crash:1.0", 1, Map.of()))));

    assertEquals("c: replica 0 crashed 3 times in 30s; last exit code 3", failed.get(30, TimeUnit.SECONDS));
    assertEquals(2, changes.size());
    assertEquals(List.of(1, 2), changes.stream().map(change -> change.replicas().get(0).restarts()).toList());
    changes.forEach(change -> assertFalse(isAlive(fixture.pids(change).get(0))));
    assertEquals(List.of(), await(provider.status("c")).replicas());
  }
}
