package dev.ctrlplane.support;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real clustered nodes in this JVM on 127.0.0.1: one database shared by all, a data dir each, Hazelcast on free
 * ports and the same member list on every node (TCP-IP join, configured as in production). Nodes start one after the
 * other so the first forms the cluster and the others join it; {@link #start} returns once every node sees them all.
 */
public final class TestCluster implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  private final Map<String, TestNode> nodes = new LinkedHashMap<>();
  private final List<Path> dataDirs = new ArrayList<>();

  private TestCluster() {}

  /** Starts one node per name, then waits until each node counts them all as members. */
  public static TestCluster start(String... names) {
    return start(Map.of(), names);
  }

  /** As {@link #start(String...)}, every node with the same extra settings. */
  public static TestCluster start(Map<String, String> overrides, String... names) {
    String storeUrl = TestDatabase.freshDatabase();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : names) {
      ports.put(name, freePort());
    }
    TestCluster cluster = new TestCluster();
    try {
      for (String name : names) {
        Path dataDir = TestNode.tempDir();
        cluster.dataDirs.add(dataDir);
        Map<String, String> settings = settings(name, ports);
        settings.putAll(overrides);
        cluster.nodes.put(name, TestNode.start(storeUrl, dataDir, settings));
      }
      cluster.nodes.values().forEach(node -> awaitMembers(node, names.length));
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** The settings of one clustered node: its own Hazelcast port, and every node (itself included) as members. */
  public static Map<String, String> settings(String name, Map<String, Integer> ports) {
    String members = ports.values().stream().map(port -> HOST + ":" + port).collect(Collectors.joining(","));
    Map<String, String> settings = new HashMap<>();
    settings.put("node.name", name);
    settings.put("cluster.enabled", "true");
    settings.put("cluster.host", HOST);
    settings.put("cluster.port", Integer.toString(ports.get(name)));
    settings.put("cluster.members", members);
    return settings;
  }

  public TestNode node(String name) {
    TestNode node = nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no running node " + name);
    }
    return node;
  }

  /** The data dirs of every node started, running or stopped. */
  public List<Path> dataDirs() {
    return List.copyOf(dataDirs);
  }

  /** Stops one node (it leaves the cluster); the others keep running. */
  public void stop(String name) {
    node(name).close();
    nodes.remove(name);
  }

  /** How many members the node's cluster manager counts now. */
  public static int members(TestNode node) {
    Vertx vertx = node.plane().vertx();
    return ((VertxInternal) vertx).clusterManager().getNodes().size();
  }

  /** Polls until the node counts {@code count} members; fails after 30 s with the last count. */
  public static void awaitMembers(TestNode node, int count) {
    Poll.until(() -> members(node) == count, 30,
        () -> node.plane().nodeName() + " should see " + count + " members, sees " + members(node));
  }

  /** Stops every node still running; failures of one do not keep the others running. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (TestNode node : List.copyOf(nodes.values())) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    nodes.clear();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  /**
   * A port that was free a moment ago. Hazelcast binds it a little later; another process could take it in between,
   * which on a test machine is rare enough to accept.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
