package dev.ctrlplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.store.EmbeddedPostgresServer;
import dev.ctrlplane.support.CliRun;
import dev.ctrlplane.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets master key at start-up, and {@code ctrlplane secrets rotate} as an operator runs it. */
class SecretsCliTest {

  @TempDir
  Path dir;

  @Test
  void aClusterWithoutAKeyStopsWithOneLineNamingIt() {
    String line = "ctrlplane: invalid configuration: secrets.key is required when cluster.enabled is true: every node "
        + "must hold the same key (base64 of 32 bytes, e.g. from: openssl rand -base64 32)";
    CliRun.Result serve = CliRun.run("serve", "--set", "cluster.enabled=true", "--set", "data.dir=" + dir,
        "--set", "store.url=" + TestDatabase.freshDatabase());
    assertEquals(2, serve.exit());
    assertEquals(line, serve.err().trim());
    CliRun.Result rotate = CliRun.run("secrets", "rotate", "--set", "cluster.enabled=true", "--set", "data.dir=" + dir);
    assertEquals(2, rotate.exit());
    assertEquals(line, rotate.err().trim());
    assertFalse(Files.exists(dir.resolve("secrets-key")), "a cluster never generates a key");
  }

  @Test
  void aMalformedKeyStopsWithOneLineNamingItWithoutShowingIt() {
    String tooShort = Base64.getEncoder().encodeToString("not-thirty-two-bytes".getBytes(StandardCharsets.UTF_8));
    CliRun.Result bad = CliRun.run("serve", "--set", "secrets.key=" + tooShort, "--set", "data.dir=" + dir);
    assertEquals(2, bad.exit());
    assertEquals("ctrlplane: invalid configuration: secrets.key = '<hidden>': expected base64 of 32 bytes, got 20 "
        + "bytes (make one with: openssl rand -base64 32)", bad.err().trim());
    CliRun.Result notBase64 = CliRun.run("token", "--admin", "--sub", "ops", "--set", "secrets.key=%%%not base64%%%");
    assertEquals(2, notBase64.exit());
    assertTrue(notBase64.err().trim().startsWith("ctrlplane: invalid configuration: secrets.key = '<hidden>': "
        + "expected base64 of 32 bytes; it is not valid base64"), notBase64.err());
    CliRun.Result previous = CliRun.run("serve", "--set", "secrets.key=" + KeyRing.generateBase64(),
        "--set", "secrets.previous_keys=" + KeyRing.generateBase64() + "," + tooShort, "--set", "data.dir=" + dir);
    assertEquals(2, previous.exit());
    assertTrue(previous.err().startsWith("ctrlplane: invalid configuration: secrets.previous_keys = '<hidden>'"),
        previous.err());
    for (CliRun.Result result : new CliRun.Result[] {bad, notBase64, previous}) {
      assertFalse(result.err().contains(tooShort) || result.err().contains("not base64%"), result.err());
    }
  }

  @Test
  void onASingleNodeTheKeyIsGeneratedOnceOwnerOnlyAndNeverLogged() throws Exception {
    String store = "store.url=" + TestDatabase.freshDatabase();
    assertEquals(0, CliRun.run("migrate", "--set", store).exit());
    CliRun.Result first = CliRun.run("secrets", "rotate", "--set", store, "--set", "data.dir=" + dir);
    assertEquals(0, first.exit(), first.err());
    assertEquals("rotated 0, already current 0, failed 0", first.out().trim());
    Path file = dir.resolve("secrets-key");
    String key = Files.readString(file).trim();
    assertEquals(32, KeyRing.decode(key).length);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(first.err().contains("generated the master key of secret values into " + file)
        && first.err().contains(KeyRing.keyIdOf(KeyRing.decode(key))), first.err());
    assertFalse(first.err().contains(key), "the key itself is never logged");
    assertFalse(Files.exists(dir.resolve("jwt-secret")), "rotate needs no JWT secret");

    CliRun.Result second = CliRun.run("secrets", "rotate", "--set", store, "--set", "data.dir=" + dir);
    assertEquals(0, second.exit(), second.err());
    assertEquals(key, Files.readString(file).trim(), "generated once, then reused");
    assertFalse(second.err().contains("generated"), second.err());

    Files.writeString(file, "garbage\n");
    CliRun.Result broken = CliRun.run("secrets", "rotate", "--set", store, "--set", "data.dir=" + dir);
    assertEquals(2, broken.exit());
    assertTrue(broken.err().startsWith("ctrlplane: invalid configuration: " + file + " does not hold a secrets key"),
        broken.err());
  }

  @Test
  void rotateNeedsTheCurrentSchemaAndSaysHowToGetIt() {
    CliRun.Result result = CliRun.run("secrets", "rotate", "--set", "store.url=" + TestDatabase.freshDatabase(),
        "--set", "secrets.key=" + KeyRing.generateBase64());
    assertEquals(1, result.exit());
    assertTrue(result.err().trim().startsWith("ctrlplane: the store's schema is at version 0")
        && result.err().contains("run ctrlplane migrate"), result.err());
    assertEquals(2, CliRun.run("secrets").exit(), "a missing subcommand is a usage error");
    assertEquals(2, CliRun.run("secrets", "rotate", "--batch-size", "0").exit());
  }

  @Test
  void onTheEmbeddedStoreRotateJoinsTheServingNodesPostgresInsteadOfStoppingIt() throws Exception {
    EmbeddedPostgresServer serving = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    try {
      assertEquals(0, CliRun.run("migrate", "--set", "store.url=" + serving.url()).exit());
      CliRun.Result result = CliRun.run("secrets", "rotate", "--set", "data.dir=" + dir,
          "--set", "secrets.key=" + KeyRing.generateBase64());
      assertEquals(0, result.exit(), result.err());
      assertEquals("rotated 0, already current 0, failed 0", result.out().trim());
      try (var conn = DriverManager.getConnection(TestDatabase.jdbc(serving.url()))) {
        assertTrue(conn.isValid(5), "the serving node's PostgreSQL still runs");
      }
    } finally {
      serving.close();
    }
  }
}
