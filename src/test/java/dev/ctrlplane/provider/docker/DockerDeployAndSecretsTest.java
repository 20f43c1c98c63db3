package dev.ctrlplane.provider.docker;

import static dev.ctrlplane.provider.docker.DockerHttp.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.PodmanEngine;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deployments and secrets on the docker provider: a rolling deploy between two images, secrets in containers. */
class DockerDeployAndSecretsTest {

  static PodmanEngine engine;
  static TestNode node;
  static Api user;

  @BeforeAll
  static void start() {
    engine = PodmanEngine.start();
    engine.importImage("localhost/web:1", "one");
    engine.importImage("localhost/web:2", "two");
    node = TestNode.start(engine.settings());
    user = Fixtures.tenantApi(node);
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        NodeExtension.cleanUpAndClose(node);
      }
    } finally {
      if (engine != null) {
        engine.close();
      }
    }
  }

  @Test
  void aRollingDeployMovesEveryReplicaToTheNewImageWhileOneAlwaysServes() {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("roll", "localhost/web:1", 2))
        .expect(201).id();
    JsonObject running = user.awaitState(id, "running", 60);
    String label = "dev.ctrlplane.instance=" + id;
    List<String> old = engine.running(label);

    String deployment = user.post("/v1/instances/" + id + "/deploy",
        new JsonObject().put("image", "localhost/web:2").put("strategy", "rolling")).expect(201).id();
    List<String> seen = new ArrayList<>();
    JsonObject done = Poll.value(() -> {
      JsonObject now = user.get("/v1/instances/" + id).expect(200).json();
      List<String> urls = endpoints(now);
      boolean served = urls.stream().anyMatch(url -> DockerHttp.get(url + "/").isPresent());
      seen.add(urls.size() + (served ? "+" : "-"));
      JsonObject d = user.get("/v1/deployments/" + deployment).expect(200).json();
      return "succeeded".equals(d.getString("state")) ? Optional.of(d) : Optional.empty();
    }, 120, () -> "the deployment to succeed; endpoints seen " + seen);
    assertFalse(seen.stream().anyMatch(s -> s.startsWith("0")), "some replica served throughout: " + seen);

    JsonObject after = user.get("/v1/instances/" + id).expect(200).json();
    assertEquals(done.getString("release_id"), after.getString("current_release_id"));
    assertEquals(2, endpoints(after).size(), after::encode);
    endpoints(after).forEach(url -> assertEquals("two", DockerHttp.version(url)));
    List<String> now = engine.running(label);
    assertEquals(2, now.size());
    assertTrue(now.stream().noneMatch(old::contains), "every old container replaced: " + old + " / " + now);
    assertEquals(List.of(), engine.all(label).stream().filter(c -> !now.contains(c)).toList());
    assertTrue(engine.podman("inspect", "--format", "{{.ImageName}}", now.get(0)).contains("web:2"));
    assertFalse(endpoints(running).isEmpty());
  }

  @Test
  void secretsAreInTheContainersEnvAndFilesButNeverInLabels() throws Exception {
    String id = user.post("/v1/instances", DockerLifecycleTest.dockerInstance("secret", "localhost/web:1", 1))
        .expect(201).id();
    user.awaitState(id, "running", 60);
    String secrets = "/v1/instances/" + id + "/secrets";
    String password = "pw-" + UUID.randomUUID();
    String file = "file-" + UUID.randomUUID();
    user.post(secrets, secret("DB_PASSWORD", password, "env")).expect(201);
    user.post(secrets, secret("config/app.yaml", file, "file")).expect(201);
    JsonObject restarted = user.post("/v1/instances/" + id + "/restart?wait=60s").expect(200).json();
    String url = endpoints(restarted).get(0);

    assertEquals(Optional.of(password), DockerHttp.env(url, "DB_PASSWORD"));
    assertEquals(Optional.of("/run/secrets/ctrlplane"), DockerHttp.env(url, "CTRLPLANE_SECRETS_DIR"));
    assertEquals(Optional.of(file), DockerHttp.get(url + "/secrets/config/app.yaml"));

    String container = engine.running("dev.ctrlplane.instance=" + id).get(0);
    JsonObject inspect = new JsonArray(engine.podman("inspect", container)).getJsonObject(0);
    String labels = inspect.getJsonObject("Config").getJsonObject("Labels").encode();
    assertFalse(labels.contains(password) || labels.contains(file), labels);
    Path dir = node.dataDir().resolve("docker").resolve(id).resolve("0").resolve("secrets");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("config/app.yaml"))));

    user.post("/v1/instances/" + id + "/stop?wait=30s").expect(200);
    assertFalse(Files.exists(dir), "the secret files go with the container");
  }

  @Test
  void withTheArchiveModeSecretFilesAreCopiedIntoTheContainerInsteadOfMounted() throws Exception {
    java.util.Map<String, String> settings = new java.util.HashMap<>(engine.settings());
    settings.put("provider.docker.secret_files", "archive");
    TestNode remote = TestNode.start(settings);
    try {
      Api api = Fixtures.tenantApi(remote);
      String id = api.post("/v1/instances", DockerLifecycleTest.dockerInstance("copied", "localhost/web:1", 1))
          .expect(201).id();
      api.awaitState(id, "running", 60);
      String file = "file-" + UUID.randomUUID();
      api.post("/v1/instances/" + id + "/secrets", secret("config/app.yaml", file, "file")).expect(201);
      String url = endpoints(api.post("/v1/instances/" + id + "/restart?wait=60s").expect(200).json()).get(0);
      assertEquals(Optional.of(file), DockerHttp.get(url + "/secrets/config/app.yaml"));
      String container = engine.running("dev.ctrlplane.instance=" + id).get(0);
      String listing = engine.podman("exec", container, "ls", "-ln", "/run/secrets/ctrlplane/config");
      assertTrue(listing.contains("-rw-------") && listing.contains(" 0 ") && listing.contains("app.yaml"), listing);
      assertTrue(engine.podman("exec", container, "ls", "-lnd", "/run/secrets/ctrlplane").startsWith("drwx------"));
      JsonObject inspect = new JsonArray(engine.podman("inspect", container)).getJsonObject(0);
      JsonArray binds = inspect.getJsonObject("HostConfig").getJsonArray("Binds");
      assertTrue(binds == null || binds.isEmpty(), inspect.getJsonObject("HostConfig").encode());
      assertFalse(Files.exists(remote.dataDir().resolve("docker").resolve(id)), "nothing written on this node");
    } finally {
      NodeExtension.cleanUpAndClose(remote);
    }
  }

  private static JsonObject secret(String key, String value, String type) {
    return new JsonObject().put("key", key).put("value", value).put("type", type);
  }
}
