package dev.ctrlplane.support;

import dev.ctrlplane.ControlPlane;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestNode} for a whole test class: started before the class's first test, cleaned up and closed after its
 * last. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NodeExtension node = new NodeExtension();
 * }</pre>
 *
 * <p>{@code new NodeExtension(Map.of(setting, value))} starts the node with other settings, and
 * {@link #withTestImages()} with the {@link TestImages} (the process provider's {@code ctl:1.0} with its gates).
 *
 * <p>The node is up before the class's own {@code @BeforeAll} methods run, and closed after its {@code @AfterAll}
 * methods, by {@link #cleanUpAndClose}. Tests call the extension much as they would the node ({@link #api},
 * {@link #token}, {@link #admin}, ...), and pass {@link #node()} to helpers that take a {@link TestNode}.
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {

  private final Supplier<Map<String, String>> overrides;
  private TestNode node;
  private Api admin;

  /** A node with the default test settings. */
  public NodeExtension() {
    this(Map.of());
  }

  /** A node with these settings on top of the default test settings. */
  public NodeExtension(Map<String, String> overrides) {
    Map<String, String> copy = Map.copyOf(overrides);
    this.overrides = () -> copy;
  }

  private NodeExtension(Supplier<Map<String, String>> overrides) {
    this.overrides = overrides;
  }

  /** A node whose process provider runs the {@link TestImages} (a fresh images dir, made when the node starts). */
  public static NodeExtension withTestImages() {
    return withTestImages(Map.of());
  }

  /** {@link #withTestImages()}, with these settings as well. */
  public static NodeExtension withTestImages(Map<String, String> overrides) {
    return new NodeExtension(() -> {
      Map<String, String> settings = new HashMap<>(overrides);
      settings.put("provider.process.images_dir", TestImages.create().toString());
      return settings;
    });
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.start(overrides.get());
    admin = node.api(node.adminToken());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (node != null) {
      TestNode started = node;
      node = null;
      admin = null;
      cleanUpAndClose(started);
    }
  }

  /**
   * What every test class does with its node at the end: deletes every instance through the API, ends any replica
   * process of the node still running (closing a node leaves them running by design), then closes the node, even when
   * a step before failed.
   */
  public static void cleanUpAndClose(TestNode node) {
    try {
      Fixtures.deleteAllInstances(node);
    } finally {
      try {
        Fixtures.destroyProcesses(node);
      } finally {
        node.close();
      }
    }
  }

  /** The running node. */
  public TestNode node() {
    if (node == null) {
      throw new IllegalStateException("the node runs only from beforeAll to afterAll of the test class");
    }
    return node;
  }

  /** An operator's client (token without a tenant, role {@code system:admin}); the same one for the whole class. */
  public Api admin() {
    node(); // fails outside the class's tests, as every other accessor does
    return admin;
  }

  /** A client authenticated as {@code token} (null: no Authorization header). */
  public Api api(String token) {
    return node().api(token);
  }

  /** A token for {@code subject}, a user of tenant {@code tenantId}. */
  public String token(String tenantId, String subject) {
    return node().token(tenantId, subject);
  }

  /** A fresh operator token. */
  public String adminToken() {
    return node().adminToken();
  }

  /** A token over any claims, signed with the node's key. */
  public String sign(JsonObject claims, int ttlSeconds) {
    return node().sign(claims, ttlSeconds);
  }

  /** The control plane inside the node (its Vert.x, store pool, providers). */
  public ControlPlane plane() {
    return node().plane();
  }

  /** A new active tenant (plan enterprise); its id. */
  public String tenant() {
    return Fixtures.tenant(node());
  }

  /** A client for a user of a new tenant of its own. */
  public Api tenantApi() {
    return Fixtures.tenantApi(node());
  }
}
