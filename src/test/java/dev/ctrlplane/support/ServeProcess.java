package dev.ctrlplane.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.Main;
import dev.ctrlplane.bus.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ctrlplane serve} as a user runs it, in a JVM of its own, on its embedded PostgreSQL in its own data dir: for
 * the tests that SIGKILL the real server and start it again on the same data dir.
 */
public final class ServeProcess {

  private static final Pattern SERVING = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");

  private final Path home = TestNode.tempDir();
  private final Path data = home.resolve("data");
  private final String nodeName;
  private final Path images;
  private final Map<String, String> settings;
  private ChildJvm server;

  /** A server named {@code nodeName} running the images of {@code images}; nothing runs before {@link #start}. */
  public ServeProcess(String nodeName, Path images) {
    this(nodeName, images, Map.of());
  }

  /** Likewise, with more {@code --set} settings (e.g. a docker provider's). */
  public ServeProcess(String nodeName, Path images, Map<String, String> settings) {
    this.nodeName = nodeName;
    this.images = images;
    this.settings = new TreeMap<>(settings);
  }

  public Path data() {
    return data;
  }

  /** Starts the server on the data dir (again, after a kill) and waits until it serves; an operator's client. */
  public Api start() throws IOException {
    List<String> args = new ArrayList<>(List.of("serve",
        "--set", "data.dir=" + data,
        "--set", "node.name=" + nodeName,
        "--set", "http.host=127.0.0.1",
        "--set", "http.port=0",
        "--set", "edge.port=0", "--set", "edge.tls_port=0",
        "--set", "edge.host=127.0.0.1",
        "--set", "provider.process.images_dir=" + images.toAbsolutePath(),
        "--set", "provider.process.stop_grace=3s"));
    settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    server = ChildJvm.start("ctrlplane serve", Main.class.getName(), args, home);
    String line = server.awaitLine(SERVING.asPredicate(), 120, "that it serves HTTP");
    Matcher port = SERVING.matcher(line);
    assertTrue(port.find(), line);
    return new Api(Integer.parseInt(port.group(1)), token(new JsonObject().put("sub", "operator")
        .put("roles", new JsonArray().add(Principal.ADMIN_ROLE))));
  }

  /** SIGKILL: the server dies at once, its replicas and its postmaster run on. */
  public void kill() {
    server.kill();
  }

  /** A token signed with the secret the server generated into its data dir on first start. */
  public String token(JsonObject claims) throws IOException {
    String secret = Files.readString(data.resolve("jwt-secret"), StandardCharsets.UTF_8).trim();
    return Tokens.hs256(secret, claims.put("iat", Tokens.now()).put("exp", Tokens.now() + 3600));
  }

  /** SIGTERM to a server still running (it stops its PostgreSQL), then the postmaster a killed one left, if any. */
  public void stop() throws IOException {
    try {
      if (server != null && server.isAlive()) {
        server.terminate(60);
      }
    } finally {
      stopLeftoverPostmaster();
    }
  }

  private void stopLeftoverPostmaster() throws IOException {
    Path pidFile = data.resolve("pg").resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    ProcessHandle.of(pid).ifPresent(postmaster -> {
      postmaster.destroy(); // SIGTERM: a smart shutdown, its clients are gone
      Poll.until(() -> !postmaster.isAlive(), 30, () -> "the leftover postmaster " + pid + " to stop");
    });
  }
}
