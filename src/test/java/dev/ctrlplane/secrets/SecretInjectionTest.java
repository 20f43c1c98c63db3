package dev.ctrlplane.secrets;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.secrets.ReplicaHttp.endpoints;
import static dev.ctrlplane.secrets.ReplicaHttp.env;
import static dev.ctrlplane.secrets.ReplicaHttp.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets reach real replicas (hello:1.0 child processes) at every start: env secrets as environment variables over
 * env of the same name, file secrets as 0600 files in a 0700 per-replica dir named by CTRLPLANE_SECRETS_DIR, each
 * replica's own HTTP endpoint showing what it got. A change applies at the next start; the files go when it stops.
 */
class SecretInjectionTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void everyReplicaGetsItsSecretsAtStartRestartScaleAndCrashRestart() throws Exception {
    Api user = node.tenantApi();
    String id = user.post("/v1/instances", Fixtures.processInstance("web", "hello:1.0",
        Map.of("GREETING", "plain", "DB_URL", "from-env")).put("resources", new JsonObject().put("replicas", 2)))
        .expect(201).id();
    user.awaitState(id, "running", 30);
    String secrets = "/v1/instances/" + id + "/secrets";
    String first = unique("db");
    String content = unique("file");
    user.post(secrets, SecretsApiTest.secret("DB_URL", first, "env")).expect(201);
    user.post(secrets, SecretsApiTest.secret("config/app.yaml", content, "file")).expect(201);

    List<String> before = endpoints(user.get("/v1/instances/" + id).expect(200).json());
    assertEquals(Optional.of("from-env"), env(before.get(0), "DB_URL"), "a set applies at the next start");
    assertEquals(Optional.empty(), file(before.get(0), "config/app.yaml"));

    JsonObject restarted = user.post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();
    assertEquals("running", restarted.getString("state"));
    for (int replica = 0; replica < 2; replica++) {
      String endpoint = endpoints(restarted).get(replica);
      assertEquals(Optional.of(first), env(endpoint, "DB_URL"), "an env secret wins over env");
      assertEquals(Optional.of("plain"), env(endpoint, "GREETING"));
      assertEquals(Optional.of(content), file(endpoint, "config/app.yaml"));
      Path dir = secretsDir(id, replica);
      assertEquals(Optional.of(dir.toString()), env(endpoint, "CTRLPLANE_SECRETS_DIR"));
      assertEquals("rwx------", mode(dir));
      assertEquals("rwx------", mode(dir.resolve("config")));
      assertEquals("rw-------", mode(dir.resolve("config/app.yaml")));
      assertEquals(content, Files.readString(dir.resolve("config/app.yaml")));
    }

    String second = unique("db");
    assertEquals(2, user.post(secrets, SecretsApiTest.secret("DB_URL", second, "env")).expect(200).json()
        .getInteger("version"));
    JsonObject again = user.post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();
    assertEquals(Optional.of(second), env(endpoints(again).get(1), "DB_URL"), "the new version after a restart");

    JsonObject scaled = user.post("/v1/instances/" + id + "/scale?wait=30s",
        new JsonObject().put("resources", new JsonObject().put("replicas", 3))).expect(200).json();
    assertEquals(3, endpoints(scaled).size());
    assertEquals(Optional.of(second), env(endpoints(scaled).get(2), "DB_URL"), "a scaled-up replica has them");
    assertEquals(Optional.of(content), file(endpoints(scaled).get(2), "config/app.yaml"));

    // a crash restart decrypts again, just before its spawn: it gets what is stored now
    String third = unique("db");
    user.post(secrets, SecretsApiTest.secret("DB_URL", third, "env")).expect(200);
    long pid = AdminFixtures.pids(node.node(), id).get(0);
    Processes.killGroup(pid);
    String replica0 = endpoints(scaled).get(0);
    Poll.until(() -> Optional.of(third).equals(ReplicaHttp.envIfUp(replica0, "DB_URL")), 30,
        () -> "replica 0 restarted after its crash with the stored DB_URL");
    assertFalse(AdminFixtures.pids(node.node(), id).contains(pid));

    user.post("/v1/instances/" + id + "/stop?wait=30s").expect(200);
    for (int replica = 0; replica < 3; replica++) {
      assertFalse(Files.exists(secretsDir(id, replica)), "the secret files go when the replica stops");
      assertTrue(Files.exists(secretsDir(id, replica).getParent().resolve("stdout.log")), "its logs stay");
    }
    JsonObject started = user.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals(Optional.of(content), file(endpoints(started).get(1), "config/app.yaml"));

    user.delete(secrets + "/DB_URL").expect(204);
    user.delete(secrets + "/config%2Fapp.yaml").expect(204);
    JsonObject without = user.post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();
    assertEquals(Optional.of("from-env"), env(endpoints(without).get(0), "DB_URL"), "env again once deleted");
    assertEquals(Optional.empty(), file(endpoints(without).get(0), "config/app.yaml"));
    assertTrue(Files.isDirectory(secretsDir(id, 0)), "an instance without file secrets still gets its (empty) dir");

    user.post(secrets, SecretsApiTest.secret("LAST", "x", "file")).expect(201);
    user.post("/v1/instances/" + id + "/restart?wait=30s").expect(200);
    assertTrue(Files.exists(secretsDir(id, 0).resolve("LAST")));
    user.delete("/v1/instances/" + id + "?wait=30s").expect(204);
    assertFalse(Files.exists(secretsDir(id, 0).getParent().getParent()), "the instance's run dir is gone");
    assertEquals(0, count(node.node(), "SELECT count(*) FROM secrets WHERE instance_id = $1", id));
  }

  private static Path secretsDir(String instanceId, int replica) {
    return node.node().dataDir().resolve("replicas").resolve(instanceId).resolve(Integer.toString(replica))
        .resolve("secrets");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
