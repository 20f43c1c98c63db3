package dev.ctrlplane.provider.process;

import static dev.ctrlplane.provider.process.ProcessFixture.await;
import static dev.ctrlplane.provider.process.ProcessFixture.failure;
import static dev.ctrlplane.provider.process.ProcessFixture.image;
import static dev.ctrlplane.provider.process.ProcessFixture.isAlive;
import static dev.ctrlplane.provider.process.ProcessFixture.sets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Replicas belong to releases: sets of two releases side by side, as a deployment drives them. */
@ExtendWith(VertxExtension.class)
class ReplicaSetsTest {

  private static final ReplicaSet V1 = new ReplicaSet("rel_v1", "hello:1.0", Map.of("GREETING", "one"), 2);
  private static final ReplicaSet V2 = new ReplicaSet("rel_v2", "hello:2.0", Map.of("GREETING", "two"), 1);

  @TempDir Path runDir;
  @TempDir Path testImages;
  private ProcessFixture fixture;
  private ProcessProvider provider;

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new ProcessFixture(vertx, runDir);
    provider = fixture.provider();
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.cleanUp();
  }

  @Test
  void aNewReleaseStartsBesideTheOldOneWhichKeepsItsProcesses() throws Exception {
    List<Long> old = fixture.pids(await(provider.apply(sets("web", V1))));

    RunningInstance both = await(provider.apply(sets("web", V1, V2)));

    fixture.pids(both);
    assertEquals(old, both.of("rel_v1").stream().map(Replica::pid).toList());
    Replica added = both.of("rel_v2").get(0);
    assertEquals(2, added.index());
    assertTrue(added.ready());
    assertEquals("rel_v2", environ(added.pid()).get("CTRLPLANE_RELEASE_ID"));
    JsonObject body = new JsonObject(fixture.get(added.endpoint().url() + "/").body());
    assertEquals(new JsonObject().put("image", "hello").put("version", "2.0").put("greeting", "two")
        .put("replica", 2), body);
    assertEquals(3, both.endpoints().size());
    assertEquals(both, await(provider.status("web")));
  }

  @Test
  void stepsOfARollingDeployStopOneOldReplicaAtATimeHighestIndexFirst() {
    List<Long> old = fixture.pids(await(provider.apply(sets("web", V1))));
    fixture.pids(await(provider.apply(sets("web", V1, V2))));

    RunningInstance step = await(provider.apply(sets("web", V1.withCount(1), V2)));
    assertEquals(List.of(old.get(0)), step.of("rel_v1").stream().map(Replica::pid).toList());
    assertFalse(isAlive(old.get(1)));

    RunningInstance second = await(provider.apply(sets("web", V1.withCount(1), V2.withCount(2))));
    fixture.pids(second);
    assertEquals(List.of(1, 2), second.of("rel_v2").stream().map(Replica::index).toList());

    RunningInstance done = await(provider.apply(sets("web", V2.withCount(2))));
    assertFalse(isAlive(old.get(0)));
    assertEquals(List.of("rel_v2", "rel_v2"), done.replicas().stream().map(Replica::releaseId).toList());
    assertEquals(second.of("rel_v2"), done.replicas());
  }

  @Test
  void aNewSetThatCannotStartIsRemovedAndTheOldOneIsUntouched() throws Exception {
    image(testImages, "broken", "1.0", "#!/bin/sh\necho 'no config' >&2\nexit 1\n");
    Path hello = Path.of("images", "hello").toAbsolutePath();
    Files.createSymbolicLink(testImages.resolve("hello"), hello);
    ProcessProvider withBroken = fixture.provider(fixture.config(testImages));
    List<Long> old = fixture.pids(await(withBroken.apply(sets("b", V1))));

    Throwable failed = failure(withBroken.apply(sets("b", V1, new ReplicaSet("rel_bad", "broken:1.0", Map.of(), 1))));

    assertTrue(failed.getMessage().contains("last stderr line: no config"), failed.getMessage());
    RunningInstance after = await(withBroken.status("b"));
    assertEquals(old, after.replicas().stream().map(Replica::pid).toList());
    assertEquals(List.of("rel_v1", "rel_v1"), after.replicas().stream().map(Replica::releaseId).toList());
  }

  @Test
  void aRestartedControlPlaneAdoptsEveryReplicaWithItsRelease() {
    RunningInstance before = await(provider.apply(sets("web", V1, V2)));
    fixture.pids(before);
    await(provider.detach());

    ProcessProvider next = fixture.provider();
    RunningInstance adopted = await(next.status("web"));
    assertEquals(before.replicas().stream().map(Replica::pid).toList(),
        adopted.replicas().stream().map(Replica::pid).toList());
    assertEquals(List.of("rel_v1", "rel_v1", "rel_v2"), adopted.replicas().stream().map(Replica::releaseId).toList());

    RunningInstance again = await(next.apply(sets("web", V1, V2)));
    assertEquals(adopted.replicas().stream().map(Replica::pid).toList(),
        again.replicas().stream().map(Replica::pid).toList());
  }

  @Test
  void aReplicaAdoptedFromAControlPlaneThatRecordedNoReleaseJoinsTheSetWithItsImage() throws Exception {
    long pid = fixture.pids(await(provider.apply(sets("web", V1.withCount(1))))).get(0);
    await(provider.detach());
    Path replicaDir = runDir.resolve("web").resolve("0");
    JsonObject file = new JsonObject(Files.readString(replicaDir.resolve(ReplicaFile.NAME)));
    file.remove("release_id");
    Files.writeString(replicaDir.resolve(ReplicaFile.NAME), file.encode());

    ProcessProvider next = fixture.provider();
    assertEquals(null, await(next.status("web")).replicas().get(0).releaseId());
    RunningInstance claimed = await(next.apply(sets("web", V1.withCount(1))));

    assertEquals(List.of(pid), claimed.replicas().stream().map(Replica::pid).toList());
    assertEquals("rel_v1", claimed.replicas().get(0).releaseId());
  }

  @Test
  void aCrashedReplicaIsRestartedFromItsOwnRelease() throws Exception {
    RunningInstance both = await(provider.apply(sets("web", V1.withCount(1), V2)));
    long v2 = both.of("rel_v2").get(0).pid();
    fixture.track(v2);

    Runtime.getRuntime().exec(new String[] {"kill", "-KILL", Long.toString(v2)}).waitFor();

    ProcessFixture.until(() -> {
      List<Replica> now = await(provider.status("web")).of("rel_v2");
      return now.size() == 1 && now.get(0).ready() && now.get(0).pid() != v2;
    }, "the v2 replica to run again");
    Replica restarted = await(provider.status("web")).of("rel_v2").get(0);
    fixture.track(restarted.pid());
    assertEquals("rel_v2", environ(restarted.pid()).get("CTRLPLANE_RELEASE_ID"));
    assertEquals("2.0", new JsonObject(fixture.get(restarted.endpoint().url() + "/").body()).getString("version"));
    assertEquals(1, restarted.restarts());
  }

  private static Map<String, String> environ(long pid) throws Exception {
    String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
    Map<String, String> env = new java.util.HashMap<>();
    for (String entry : raw.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
