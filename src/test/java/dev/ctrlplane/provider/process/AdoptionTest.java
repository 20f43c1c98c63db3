package dev.ctrlplane.provider.process;

import static dev.ctrlplane.provider.process.ProcessFixture.await;
import static dev.ctrlplane.provider.process.ProcessFixture.isAlive;
import static dev.ctrlplane.provider.process.ProcessFixture.spec;
import static dev.ctrlplane.provider.process.ProcessFixture.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.support.ChildJvm;
import dev.ctrlplane.support.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A control plane killed with SIGKILL leaves its replicas running; the next one over the same run dir adopts them. */
@ExtendWith(VertxExtension.class)
class AdoptionTest {

  private static final InstanceSpec WEB = spec("web", "hello:1.0", 2, Map.of("GREETING", "adopted"));

  @TempDir Path runDir;
  private ProcessFixture fixture;

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new ProcessFixture(vertx, runDir);
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.cleanUp();
  }

  @Test
  void adoptsLiveReplicasKeepsThemOnStartAndStopsThem() throws Exception {
    ProcessProvider first = fixture.provider();
    RunningInstance running = await(first.apply(WEB));
    List<Long> pids = fixture.pids(running);
    await(first.detach());
    // a pid file whose pid now names another process (this JVM): must not be adopted
    Path ghost = Files.createDirectories(runDir.resolve("ghost").resolve("0"));
    new ReplicaFile(ProcessHandle.current().pid(), 1, 1, Instant.now(), 0, "hello:1.0", "rel-1").write(ghost);

    ProcessProvider second = fixture.provider();

    assertEquals(Set.of("web", "ghost"), second.instanceIds());
    RunningInstance adopted = await(second.status("web"));
    assertEquals(pids, adopted.replicas().stream().map(Replica::pid).toList());
    assertEquals(running.endpoints(), adopted.endpoints());
    assertEquals(List.of("running", "running"), adopted.replicas().stream().map(Replica::state).toList());
    assertEquals(List.of(), await(second.status("ghost")).replicas());
    assertFalse(Files.exists(ghost.resolve(ReplicaFile.NAME)));

    RunningInstance started = await(second.apply(WEB));
    assertEquals(pids, fixture.pids(started));
    for (Endpoint endpoint : started.endpoints()) {
      assertEquals("adopted", new JsonObject(fixture.get(endpoint.url() + "/").body()).getString("greeting"));
    }

    await(second.stop("web"));
    pids.forEach(pid -> assertFalse(isAlive(pid)));
    assertEquals(List.of(), await(second.status("web")).replicas());
  }

  @Test
  void adoptsAndSupervisesReplicasOfAControlPlaneKilledWithSigkill() throws Exception {
    List<Long> pids = runAndKillControlPlane(2);
    pids.forEach(fixture::track);
    ProcessProvider second = fixture.provider();
    List<RunningInstance> changes = new CopyOnWriteArrayList<>();
    second.setListener(changesTo(changes));

    assertEquals(pids, fixture.pids(await(second.status("web"))));
    RunningInstance started = await(second.apply(WEB));
    assertEquals(pids, fixture.pids(started));
    assertEquals("orphan", new JsonObject(fixture.get(started.endpoints().get(1).url() + "/").body())
        .getString("greeting"));

    // not our child: its exit is seen by polling, its exit code is unknown; the spec is known again, so it restarts
    Processes.kill(pids.get(0));
    until(() -> !changes.isEmpty(), "the restart is reported");
    Replica restarted = changes.get(0).replicas().get(0);
    fixture.pids(changes.get(0));
    assertNotEquals(pids.get(0), restarted.pid());
    assertEquals(1, restarted.restarts());
    assertEquals(pids.get(1), changes.get(0).replicas().get(1).pid());

    await(second.stop("web"));
    assertFalse(isAlive(restarted.pid()));
    assertFalse(isAlive(pids.get(1)));
  }

  /**
   * A control plane killed between starting a replica and writing its pid file: the next one finds the process by
   * its environment and its stdout in this run dir, and adopts it; a process with the same environment whose stdout
   * goes elsewhere (another node's replica, say) is left alone.
   */
  @Test
  void adoptsAReplicaWhosePidFileWasNeverWrittenButNoOtherProcess() throws Exception {
    ProcessProvider first = fixture.provider();
    RunningInstance running = await(first.apply(WEB));
    List<Long> pids = fixture.pids(running);
    await(first.detach());
    Path unrecorded = runDir.resolve("web").resolve("1");
    Files.delete(unrecorded.resolve(ReplicaFile.NAME)); // as if the SIGKILL fell right after the spawn
    ProcessBuilder lookalike = new ProcessBuilder("sleep", "300").redirectOutput(ProcessBuilder.Redirect.DISCARD);
    lookalike.environment().putAll(Map.of("CTRLPLANE_INSTANCE_ID", "web", "CTRLPLANE_REPLICA", "1", "PORT", "1"));
    Process stranger = lookalike.start();
    fixture.track(stranger.pid());

    ProcessProvider second = fixture.provider();

    RunningInstance adopted = await(second.status("web"));
    assertEquals(pids, adopted.replicas().stream().map(Replica::pid).toList());
    assertEquals(running.endpoints(), adopted.endpoints());
    assertTrue(Files.exists(unrecorded.resolve(ReplicaFile.NAME)), "recorded once found");
    assertEquals(pids, fixture.pids(await(second.apply(WEB))), "kept on start: nothing started twice");
    assertTrue(stranger.isAlive(), "a process that only looks like the replica is not adopted or stopped");
    await(second.stop("web"));
    pids.forEach(pid -> assertFalse(isAlive(pid)));
    assertTrue(stranger.isAlive());
    stranger.destroyForcibly();
  }

  /** Runs {@link ControlPlaneMain} in a JVM of its own, lets it start replicas, then kills it with SIGKILL. */
  private List<Long> runAndKillControlPlane(int replicas) {
    try (ChildJvm controlPlane = ChildJvm.start("the stand-in control plane", ControlPlaneMain.class.getName(),
        List.of(runDir.toString(), Integer.toString(replicas)), null)) {
      String ready = controlPlane.awaitLine(line -> line.startsWith("READY "), 60, "READY and its replicas' pids");
      controlPlane.kill();
      return Arrays.stream(ready.substring("READY ".length()).split(",")).map(Long::valueOf).toList();
    }
  }

  private static ProviderListener changesTo(List<RunningInstance> changes) {
    return new ProviderListener() {
      @Override
      public void instanceFailed(String instanceId, String message) {}

      @Override
      public void instanceChanged(String instanceId, RunningInstance now) {
        changes.add(now);
      }
    };
  }

  @Test
  void anAdoptedReplicaThatExitsIsReportedAndRunsAgainOnStart() throws Exception {
    ProcessProvider first = fixture.provider();
    long pid = fixture.pids(await(first.apply(spec("web", "hello:1.0", 1, Map.of())))).get(0);
    await(first.detach());
    ProcessProvider second = fixture.provider();
    List<RunningInstance> changes = new CopyOnWriteArrayList<>();
    second.setListener(changesTo(changes));

    Processes.kill(pid);

    until(() -> !changes.isEmpty(), "the lost replica is reported");
    assertEquals(List.of(), changes.get(0).replicas());
    assertTrue(second.instanceIds().contains("web"));
    RunningInstance restarted = await(second.apply(spec("web", "hello:1.0", 1, Map.of())));
    assertNotEquals(pid, fixture.pids(restarted).get(0));
    assertEquals("running", restarted.replicas().get(0).state());
  }
}
