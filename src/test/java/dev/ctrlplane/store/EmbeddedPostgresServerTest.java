package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.ChildJvm;
import dev.ctrlplane.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store is durable, keeps its data across restarts, and recovers from a killed control plane. */
class EmbeddedPostgresServerTest {

  @TempDir
  Path dir;

  @Test
  void durableKeepsDataAndStopsAPostmasterLeftByAKilledRun() throws Exception {
    Path data = dir.resolve("pg");
    long leftover;
    try (ChildJvm crashing = ChildJvm.start("the embedded PostgreSQL JVM", EmbeddedPgMain.class.getName(),
        List.of(data.toString()), null)) {
      String firstUrl = crashing.awaitLine(line -> line.startsWith("ready "), 120, "ready and its URL")
          .substring("ready ".length());
      leftover = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
      try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(firstUrl));
           Statement sql = conn.createStatement()) {
        assertEquals("on", single(sql, "SHOW fsync"));
        assertEquals("on", single(sql, "SHOW synchronous_commit"));
        assertEquals("off", single(sql, "SHOW wal_init_zero")); // no commit stalls behind a zero-filled WAL file
        sql.execute("CREATE TABLE kept (v TEXT)");
        sql.execute("INSERT INTO kept VALUES ('acknowledged')");
      }
      crashing.kill(); // SIGKILL: no shutdown hook, no close()
    }
    assertTrue(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false));

    EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data, 0);
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(second.url()));
         Statement sql = conn.createStatement()) {
      assertEquals("acknowledged", single(sql, "SELECT v FROM kept"));
    } finally {
      second.close();
    }
    assertFalse(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false), "the leftover was stopped");
  }

  private static String single(Statement sql, String query) throws Exception {
    try (ResultSet rows = sql.executeQuery(query)) {
      List<String> values = new java.util.ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      assertEquals(1, values.size());
      return values.get(0);
    }
  }
}
