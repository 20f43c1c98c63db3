package dev.ctrlplane.support;

import dev.ctrlplane.Auth;
import dev.ctrlplane.ControlPlane;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real ctrlplane node for tests: real HTTP on a random port, a fresh database on the test PostgreSQL, the real
 * process provider on the project's images (and the noop provider, enabled). Settings can be overridden per test.
 */
public final class TestNode implements AutoCloseable {

  public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
  /** The master key of secret values every test node gets unless a test sets {@code secrets.key}. */
  public static final String SECRETS_KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final ControlPlane plane;
  private final String storeUrl;
  private final Path dataDir;
  private final Vertx tokenVertx = Vertx.vertx();
  private final JWTAuth signer;

  private TestNode(ControlPlane plane, String storeUrl, Path dataDir, CtrlplaneConfig config) {
    this.plane = plane;
    this.storeUrl = storeUrl;
    this.dataDir = dataDir;
    this.signer = Auth.jwt(tokenVertx, config.auth());
  }

  public static TestNode start() {
    return start(Map.of());
  }

  public static TestNode start(Map<String, String> overrides) {
    return start(TestDatabase.freshDatabase(), tempDir(), overrides);
  }

  /** A node on an existing database and data dir (a restart, or a second cluster node). */
  public static TestNode start(String storeUrl, Path dataDir, Map<String, String> overrides) {
    CtrlplaneConfig config = config(dataDir, overrides);
    ControlPlane plane = Futures.await(ControlPlane.start(config, storeUrl));
    return new TestNode(plane, storeUrl, dataDir, config);
  }

  public static CtrlplaneConfig config(Path dataDir, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("http.port", "0");
    settings.put("http.host", "127.0.0.1");
    settings.put("data.dir", dataDir.toString());
    settings.put("auth.jwt.secret", SECRET);
    settings.put("secrets.key", SECRETS_KEY);
    settings.put("provider.noop.enabled", "true");
    settings.put("provider.process.stop_grace", "3s");
    settings.put("provider.process.start_timeout", "15s");
    settings.put("metrics.refresh_interval", "1s");
    settings.put("edge.port", "0");
    settings.put("edge.tls_port", "0");
    settings.put("edge.host", "127.0.0.1");
    settings.put("node.name", "test-node-" + COUNTER.incrementAndGet());
    settings.putAll(overrides);
    Settings loaded = Settings.defaults();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      loaded = loaded.with(e.getKey(), e.getValue());
    }
    return CtrlplaneConfig.from(loaded);
  }

  public static Path tempDir() {
    try {
      Path base = Path.of("target", "test-data").toAbsolutePath();
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "node-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public ControlPlane plane() {
    return plane;
  }

  public int port() {
    return plane.httpPort();
  }

  /** The port of this node's edge router. */
  public int edgePort() {
    return plane.edgePort();
  }

  /** The port of this node's edge router for HTTPS. */
  public int edgeTlsPort() {
    return plane.network().edgeTlsPort();
  }

  public String storeUrl() {
    return storeUrl;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A token for a tenant's user. */
  public String token(String tenantId, String subject) {
    return sign(new JsonObject().put("sub", subject).put("tenant_id", tenantId).put("roles", new JsonArray()), 3600);
  }

  /** An operator token, without a tenant. */
  public String adminToken() {
    return sign(new JsonObject().put("sub", "operator").put("roles", new JsonArray().add(Principal.ADMIN_ROLE)), 3600);
  }

  public String sign(JsonObject claims, int ttlSeconds) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
  }

  /** An API client for this node, authenticated as {@code token}. */
  public Api api(String token) {
    return new Api(port(), token);
  }

  /** Stops the node the way an operator stops the service: replicas keep running for the next start to adopt. */
  @Override
  public void close() {
    Futures.await(plane.close());
    tokenVertx.close();
  }
}
