package dev.ctrlplane.provider.process;

import static dev.ctrlplane.provider.process.ProcessFixture.IMAGES;
import static dev.ctrlplane.provider.process.ProcessFixture.await;
import static dev.ctrlplane.provider.process.ProcessFixture.failure;
import static dev.ctrlplane.provider.process.ProcessFixture.image;
import static dev.ctrlplane.provider.process.ProcessFixture.isAlive;
import static dev.ctrlplane.provider.process.ProcessFixture.numberIn;
import static dev.ctrlplane.provider.process.ProcessFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ProviderHealth;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ProcessProviderTest {

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

  /**
   * A replica starts with a small base environment, never the control plane's own: PATH (so a run script can call
   * programs by name), HOME (its own dir), LANG, then the release's env over it, then PORT, HOST and the
   * CTRLPLANE_ variables (instance, replica, release, secrets dir), which the env cannot override.
   */
  @Test
  void aReplicaGetsTheBaseEnvironmentThenTheInstancesThenTheProvidersAndNothingElse() throws Exception {
    // called by name: found only through the base PATH
    image(testImages, "envdump", "1.0", """
        #!/bin/sh
        env -0 > "$HOME/env.dump"
        exec python3 %s 1.0
        """.formatted(IMAGES.resolve("hello").resolve("server.py").toAbsolutePath()));
    ProcessProvider dumping = fixture.provider(fixture.config(testImages));
    RunningInstance running = await(dumping.apply(spec("envy", "envdump:1.0", 1,
        Map.of("GREETING", "hi", "LANG", "de_DE.UTF-8", "PORT", "1", "CTRLPLANE_REPLICA", "9"))));
    fixture.pids(running);
    Path home = runDir.resolve("envy").resolve("0");

    Map<String, String> env = new java.util.TreeMap<>();
    for (String entry : Files.readString(home.resolve("env.dump")).split("\0")) {
      if (!entry.isEmpty()) {
        env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }
    env.remove("PWD"); // the shell's own, of its working directory (the image's)
    assertEquals(Map.ofEntries(
        Map.entry("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        Map.entry("HOME", home.toAbsolutePath().toString()),
        Map.entry("LANG", "de_DE.UTF-8"),
        Map.entry("GREETING", "hi"),
        Map.entry("PORT", Integer.toString(running.replicas().get(0).port())),
        Map.entry("HOST", "127.0.0.1"),
        Map.entry("CTRLPLANE_INSTANCE_ID", "envy"),
        Map.entry("CTRLPLANE_REPLICA", "0"),
        Map.entry("CTRLPLANE_RELEASE_ID", "rel-envdump:1.0"),
        Map.entry("CTRLPLANE_SECRETS_DIR", home.resolve("secrets").toAbsolutePath().toString())), env);
    for (String own : System.getenv().keySet()) {
      assertTrue(!env.containsKey(own) || Set.of("PATH", "HOME", "LANG").contains(own), own + " leaked");
    }
    await(dumping.stop("envy"));
  }

  @Test
  void validateAcceptsAnImageAndRejectsMissingOnesAndTraversal() {
    await(provider.validate(spec("i1", "hello:1.0", 1, Map.of())));

    ProviderException missing = (ProviderException) failure(provider.validate(spec("i1", "hello:9.9", 1, Map.of())));
    assertTrue(missing.isBadRequest());
    assertEquals("image hello:9.9 not found: images/hello/9.9/run is not an executable file", missing.getMessage());
    ProviderException latest = (ProviderException) failure(provider.validate(spec("i1", "hello", 1, Map.of())));
    assertEquals("image hello not found: images/hello/latest/run is not an executable file", latest.getMessage());

    for (String image : List.of("../hello:1.0", "hello:../../x", "hello/1.0", "..:1.0", ".hidden:1", "a:b:c", "",
        "hello:", "he llo", "hello:1.0/../../x")) {
      ProviderException e = (ProviderException) failure(provider.validate(spec("i1", image, 1, Map.of())));
      assertTrue(e.isBadRequest(), image);
    }
    ProviderException badId = (ProviderException) failure(provider.apply(spec("../x", "hello:1.0", 1, Map.of())));
    assertTrue(badId.isBadRequest());
  }

  @Test
  void startRunsReplicasThatServeTheirEnvAndIsIdempotent() throws Exception {
    RunningInstance running = await(provider.apply(spec("web", "hello:1.0", 2, Map.of("GREETING", "hej"))));

    assertEquals("process:web", running.providerRef());
    assertEquals(2, running.replicas().size());
    assertEquals(2, Set.copyOf(fixture.pids(running)).size());
    assertNotEquals(running.endpoints().get(0).port(), running.endpoints().get(1).port());
    for (int i = 0; i < 2; i++) {
      Replica replica = running.replicas().get(i);
      Endpoint endpoint = running.endpoints().get(i);
      assertEquals(new Endpoint("http://127.0.0.1:" + replica.port(), replica.port(), "http", false), endpoint);
      assertEquals("running", replica.state());
      HttpResponse<String> response = fixture.get(endpoint.url() + "/");
      assertEquals(200, response.statusCode());
      JsonObject body = new JsonObject(response.body());
      assertEquals(new JsonObject().put("image", "hello").put("version", "1.0").put("greeting", "hej")
          .put("replica", i), body);
    }
    assertEquals(running, await(provider.status("web")));
    assertEquals(running.replicas(), await(provider.apply(spec("web", "hello:1.0", 2, Map.of()))).replicas());
    assertEquals(Set.of("web"), provider.instanceIds());
    Path stdout = provider.logDir("web", 0).resolve("stdout.log");
    assertTrue(Files.readString(stdout).contains("\"GET / HTTP/1.1\" 200"));
  }

  @Test
  void scaleStartsAndStopsReplicasHighestIndexFirst() {
    List<Long> two = fixture.pids(await(provider.apply(spec("web", "hello:1.0", 2, Map.of()))));

    RunningInstance three = await(provider.apply(spec("web", "hello:1.0", 3, Map.of())));
    List<Long> pids = fixture.pids(three);
    assertEquals(two, pids.subList(0, 2));
    assertEquals(List.of(0, 1, 2), three.replicas().stream().map(Replica::index).toList());
    assertEquals(3, three.endpoints().size());

    RunningInstance one = await(provider.apply(spec("web", "hello:1.0", 1, Map.of())));
    assertEquals(List.of(two.get(0)), fixture.pids(one));
    assertEquals(0, one.replicas().get(0).index());
    assertFalse(isAlive(pids.get(1)));
    assertFalse(isAlive(pids.get(2)));
    assertTrue(isAlive(pids.get(0)));
  }

  @Test
  void stopEndsTheWholeProcessTreeAndDestroyRemovesTheRunDir() throws Exception {
    image(testImages, "tree", "1.0", """
        #!/bin/sh
        sleep 1000 &
        echo "child $!"
        exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        """);
    ProcessProvider tree = fixture.provider(fixture.config(testImages));
    long leader = fixture.pids(await(tree.apply(spec("tree", "tree:1.0", 1, Map.of())))).get(0);
    long child = numberIn(tree.logDir("tree", 0).resolve("stdout.log"), "child (\\d+)");
    fixture.track(child);
    assertTrue(isAlive(child));

    await(tree.stop("tree"));

    assertFalse(isAlive(leader));
    assertFalse(isAlive(child));
    assertEquals(List.of(), await(tree.status("tree")).replicas());
    await(tree.stop("tree"));
    assertEquals(Set.of("tree"), tree.instanceIds());
    assertFalse(Files.exists(tree.logDir("tree", 0).resolve("replica.json")));

    await(tree.destroy("tree"));
    assertFalse(Files.exists(runDir.resolve("tree")));
    assertEquals(Set.of(), tree.instanceIds());
    await(tree.destroy("tree"));
  }

  @Test
  void stopKillsAReplicaThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
    image(testImages, "stubborn", "1.0", """
        #!/bin/sh
        trap '' TERM
        exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        """);
    ProcessProviderConfig base = fixture.config(testImages);
    ProcessProvider stubborn = fixture.provider(new ProcessProviderConfig(base.imagesDir(), base.runDir(),
        java.time.Duration.ofMillis(300), base.startTimeout(), base.restartBackoffMin(), base.restartBackoffMax(),
        base.maxRestarts(), base.restartWindow()));
    long pid = fixture.pids(await(stubborn.apply(spec("s", "stubborn:1.0", 1, Map.of())))).get(0);

    await(stubborn.stop("s"));

    assertFalse(isAlive(pid));
  }

  @Test
  void startFailsWhenAReplicaExitsBeforeListening() throws Exception {
    image(testImages, "broken", "1.0", """
        #!/bin/sh
        echo "starting" >&2
        echo "boom: no database" >&2
        exit 3
        """);
    ProcessProvider broken = fixture.provider(fixture.config(testImages));

    ProviderException e = (ProviderException) failure(broken.apply(spec("b", "broken:1.0", 1, Map.of())));

    assertFalse(e.isBadRequest());
    assertTrue(e.getMessage().matches(
        "replica 0 exited with exit code 3 before listening on port \\d+; last stderr line: boom: no database"),
        e.getMessage());
    assertEquals(List.of(), await(broken.status("b")).replicas());
  }

  @Test
  void startFailsAndStopsAReplicaThatNeverListens() throws Exception {
    image(testImages, "mute", "1.0", """
        #!/bin/sh
        echo "pid $$"
        exec sleep 1000
        """);
    ProcessProviderConfig base = fixture.config(testImages);
    ProcessProvider mute = fixture.provider(new ProcessProviderConfig(base.imagesDir(), base.runDir(),
        base.stopGrace(), java.time.Duration.ofSeconds(1), base.restartBackoffMin(), base.restartBackoffMax(),
        base.maxRestarts(), base.restartWindow()));

    ProviderException e = (ProviderException) failure(mute.apply(spec("m", "mute:1.0", 1, Map.of())));

    assertTrue(e.getMessage().matches("replica 0 did not listen on port \\d+ within 1s"), e.getMessage());
    long pid = numberIn(mute.logDir("m", 0).resolve("stdout.log"), "pid (\\d+)");
    assertFalse(isAlive(pid));
    assertEquals(List.of(), await(mute.status("m")).replicas());
  }

  @Test
  void restartRunsTheNewSpec() throws Exception {
    List<Long> before = fixture.pids(await(provider.apply(spec("web", "hello:1.0", 1, Map.of()))));

    RunningInstance after = await(provider.restart(spec("web", "hello:2.0", 1, Map.of())));

    assertNotEquals(before, fixture.pids(after));
    assertFalse(isAlive(before.get(0)));
    JsonObject body = new JsonObject(fixture.get(after.endpoints().get(0).url() + "/").body());
    assertEquals("2.0", body.getString("version"));
    assertEquals("hello", body.getString("greeting"));
  }

  @Test
  void healthChecksTheImagesDir() {
    assertEquals(ProviderHealth.ok(), await(provider.health()));
    ProviderHealth missing = await(fixture.provider(fixture.config(runDir.resolve("nope"))).health());
    assertFalse(missing.healthy());
    assertTrue(missing.message().endsWith("nope is not a readable directory"), missing.message());
  }

  @Test
  void unknownInstancesAreEmptyAndStopAndDestroySucceed() {
    assertEquals(RunningInstance.none("process:ghost"), await(provider.status("ghost")));
    await(provider.stop("ghost"));
    await(provider.destroy("ghost"));
    assertEquals(Set.of(), provider.instanceIds());
    assertEquals(List.of("replicas", "logs", "env", "adopt"), provider.capabilities());
    assertEquals("process", provider.name());
  }
}
