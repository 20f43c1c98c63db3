package dev.ctrlplane.provider.process;

import static dev.ctrlplane.provider.process.ProcessFixture.await;
import static dev.ctrlplane.provider.process.ProcessFixture.failure;
import static dev.ctrlplane.provider.process.ProcessFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.provider.SecretMaterial;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process provider's side of secrets: it asks its {@link dev.ctrlplane.provider.SecretSource} before every spawn,
 * puts env secrets over the spec's env and file secrets into the replica's own 0700 dir, refuses to start a replica
 * whose secrets cannot be had, and leaves no secret file of a replica that stopped or died.
 */
@ExtendWith(VertxExtension.class)
class SecretInjectionProviderTest {

  @TempDir Path runDir;
  private ProcessFixture fixture;
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicReference<SecretMaterial> material = new AtomicReference<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new ProcessFixture(vertx, runDir);
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.cleanUp();
  }

  private ProcessProvider provider() {
    ProcessProvider provider = fixture.provider();
    provider.setSecretSource((instanceId, tenantId) -> {
      asked.incrementAndGet();
      return Future.succeededFuture(copyOf(material.get())); // the real source decrypts afresh for every spawn
    });
    return provider;
  }

  /** A fresh copy: each spawn wipes the material it was given once its replica has it. */
  private static SecretMaterial copyOf(SecretMaterial source) {
    if (source == null) {
      return null;
    }
    Map<String, byte[]> files = new java.util.HashMap<>();
    source.files().forEach((name, bytes) -> files.put(name, bytes.clone()));
    return new SecretMaterial(source.env(), files);
  }

  private static SecretMaterial of(String envValue, String fileValue) {
    return new SecretMaterial(Map.of("GREETING", envValue),
        Map.of("tls/key.pem", fileValue.getBytes(StandardCharsets.UTF_8)));
  }

  private Path secretsDir(int replica) {
    return runDir.resolve("web").resolve(Integer.toString(replica)).resolve(SecretFiles.DIR);
  }

  @Test
  void everySpawnAsksForTheSecretsAndGetsThemAsEnvAndFiles() throws Exception {
    ProcessProvider provider = provider();
    material.set(of("from-secret", "pem-1"));
    InstanceSpec web = spec("web", "hello:1.0", 2, Map.of("GREETING", "from-env"));
    RunningInstance running = await(provider.apply(web));
    fixture.pids(running);
    assertEquals(2, asked.get(), "once per replica spawned");
    for (int replica = 0; replica < 2; replica++) {
      String url = running.endpoints().get(replica).url();
      assertEquals("from-secret", fixture.get(url + "/env/GREETING").body(), "a secret wins over env");
      assertEquals(secretsDir(replica).toString(), fixture.get(url + "/env/CTRLPLANE_SECRETS_DIR").body());
      assertEquals("pem-1", fixture.get(url + "/secret-file/tls/key.pem").body());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretsDir(replica))));
      assertEquals("rwx------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(secretsDir(replica).resolve("tls"))));
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(secretsDir(replica).resolve("tls/key.pem"))));
    }

    material.set(of("second", "pem-2"));
    RunningInstance restarted = await(provider.restart(web));
    fixture.pids(restarted);
    assertEquals(4, asked.get());
    assertEquals("pem-2", fixture.get(restarted.endpoints().get(1).url() + "/secret-file/tls/key.pem").body());
    assertEquals(List.of("key.pem"), List.of(secretsDir(1).resolve("tls").toFile().list()), "rewritten, not added to");

    await(provider.stop("web"));
    assertFalse(Files.exists(secretsDir(0)) || Files.exists(secretsDir(1)), "gone when the replicas stop");
  }

  @Test
  void aReplicaWhoseSecretsCannotBeHadDoesNotStart() {
    ProcessProvider provider = fixture.provider();
    provider.setSecretSource((instanceId, tenantId) ->
        Future.failedFuture(new IllegalStateException("env secret DB (version 2) cannot be decrypted: not authentic")));
    Throwable refused = failure(provider.apply(spec("web", "hello:1.0", 1, Map.of())));
    assertTrue(refused instanceof ProviderException, refused.toString());
    assertEquals("replica 0 not started: env secret DB (version 2) cannot be decrypted: not authentic",
        refused.getMessage());
    assertEquals(List.of(), await(provider.status("web")).replicas());
  }

  @Test
  void aFileKeyThatLeavesTheDirIsRefusedAndNothingIsWrittenOutside() {
    ProcessProvider provider = provider();
    material.set(new SecretMaterial(Map.of(), Map.of("../../escaped", "x".getBytes(StandardCharsets.UTF_8))));
    Throwable refused = failure(provider.apply(spec("web", "hello:1.0", 1, Map.of())));
    assertTrue(refused.getMessage().contains("not a path inside the secrets dir"), refused.getMessage());
    assertFalse(Files.exists(runDir.resolve("web").resolve("escaped")));
    assertFalse(Files.exists(runDir.resolve("escaped")));
  }

  @Test
  void theSecretFilesOfAReplicaThatDiedWithItsControlPlaneAreRemovedAtTheNextStart() throws Exception {
    Path dead = Files.createDirectories(runDir.resolve("gone").resolve("0"));
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    new ReplicaFile(finished.pid(), 1, 1, Instant.now(), 0, "hello:1.0", "rel-1").write(dead);
    SecretFiles.write(dead, Map.of("left.txt", "left behind".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Files.exists(dead.resolve(SecretFiles.DIR).resolve("left.txt")));

    provider();

    assertFalse(Files.exists(dead.resolve(SecretFiles.DIR)), "a dead replica's secrets do not stay on disk");
  }
}
