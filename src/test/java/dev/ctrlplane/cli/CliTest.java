package dev.ctrlplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.CliRun;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator uses it: tokens it mints are accepted by a node with the same key. */
class CliTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @TempDir
  Path dir;

  @Test
  void mintedTokensAreAcceptedWithTheirRoles() {
    String secret = "auth.jwt.secret=" + TestNode.SECRET;
    String admin = run("token", "--set", secret, "--admin", "--sub", "ops").out().trim();
    String tenant = node.tenant();
    node.api(admin).get("/v1/admin/stats").expect(200);
    String user = run("token", "--set", secret, "--tenant", tenant, "--sub", "alice", "--ttl", "5m").out().trim();
    node.api(user).get("/v1/instances").expect(200);
    node.api(user).get("/v1/admin/stats").expectError(403, "forbidden");
  }

  @Test
  void generatedSecretIsWrittenOnceAndReused() throws Exception {
    String dataDir = "data.dir=" + dir;
    String first = run("token", "--set", dataDir, "--admin", "--sub", "ops").out();
    Path secretFile = dir.resolve("jwt-secret");
    String secret = Files.readString(secretFile);
    run("token", "--set", dataDir, "--admin", "--sub", "ops");
    assertEquals(secret, Files.readString(secretFile), "the key is generated once");
    assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(secretFile), "only the owner may read the key");
    assertTrue(first.trim().split("\\.").length == 3, "a JWT");
  }

  @Test
  void mistakesAreOneLineAndExitNonZero() {
    CliRun.Result bad = run("token", "--set", "http.port=abc", "--admin", "--sub", "ops");
    assertEquals(2, bad.exit());
    assertEquals("ctrlplane: invalid configuration: http.port = 'abc': expected an integer in 0..65535", bad.err().trim());
    CliRun.Result noTenant = run("token", "--sub", "alice");
    assertEquals(2, noTenant.exit());
    assertTrue(noTenant.err().contains("--tenant is required"), noTenant.err());
    CliRun.Result ttl = run("token", "--admin", "--sub", "ops", "--ttl", "forever");
    assertEquals(2, ttl.exit());
    assertTrue(ttl.err().contains("--ttl"), ttl.err());
  }

  @Test
  void migrateAppliesTheSchemaOnceThenNothing() {
    String store = "store.url=" + dev.ctrlplane.support.TestDatabase.freshDatabase();
    CliRun.Result first = run("migrate", "--set", store);
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().startsWith("applied " + dev.ctrlplane.store.Migrations.scriptCount() + " migration(s)"),
        first.out());
    assertTrue(run("migrate", "--set", store).out().startsWith("applied 0 migration(s)"));
  }

  @Test
  void versionPrints() {
    assertTrue(run("version").out().startsWith("ctrlplane "));
  }

  private static CliRun.Result run(String... args) {
    return CliRun.run(args);
  }
}
