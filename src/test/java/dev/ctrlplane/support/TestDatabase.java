package dev.ctrlplane.support;

import dev.ctrlplane.store.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The PostgreSQL the tests run against: the server named by {@code CTRLPLANE_TEST_PG_URL}, or one embedded server
 * started once per test run. Every caller gets a fresh database of its own, so test classes never see each other's
 * rows.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static String serverUrl;

  private TestDatabase() {}

  /** A new, empty database; its URL in ctrlplane's {@code postgresql://} form. */
  public static synchronized String freshDatabase() {
    String server = server();
    String name = "ctrlplane_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection conn = DriverManager.getConnection(jdbc(server));
         Statement statement = conn.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return server.substring(0, server.lastIndexOf('/') + 1) + name;
  }

  /** The server's own URL (database postgres). */
  public static synchronized String server() {
    if (serverUrl == null) {
      String configured = System.getenv("CTRLPLANE_TEST_PG_URL");
      serverUrl = configured != null && !configured.isBlank() ? configured : startEmbedded();
    }
    return serverUrl;
  }

  /**
   * {@code postgresql://user:pass@host:port/db} as a JDBC URL, for test set-up only; connecting and every statement
   * have a deadline (seconds), so a server that stops answering fails the test instead of hanging it.
   */
  public static String jdbc(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    String credentials = rest.contains("@") ? rest.substring(0, rest.indexOf('@')) : "";
    String hostAndDb = rest.contains("@") ? rest.substring(rest.indexOf('@') + 1) : rest;
    String user = credentials.contains(":") ? credentials.substring(0, credentials.indexOf(':')) : credentials;
    String password = credentials.contains(":") ? credentials.substring(credentials.indexOf(':') + 1) : "";
    return "jdbc:postgresql://" + hostAndDb + "?user=" + user + "&password=" + password
        + "&connectTimeout=10&socketTimeout=120";
  }

  private static String startEmbedded() {
    Path dir = Path.of("target", "test-pg").toAbsolutePath();
    deleteRecursively(dir);
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-pg-stop"));
    return server.url();
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException("cannot clean " + dir, e);
    }
  }
}
