package dev.ctrlplane.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an attacker with the database gets, for asserting that no secret value is in it: every row of every table of
 * a database as text (Debian's pg_dump cannot dump the embedded PostgreSQL 18, and its binaries ship none), and the
 * raw bytes of the server's data directory (tables, indexes, WAL) after a CHECKPOINT.
 */
public final class DatabaseDump {

  private static final String TABLES =
      "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
          + " ORDER BY 1, 2";

  private DatabaseDump() {}

  /** Every row of every table of the database at {@code storeUrl}, {@code table: (row as text)} per line. */
  public static String allRows(String storeUrl) {
    StringBuilder dump = new StringBuilder();
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(storeUrl));
         Statement statement = conn.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery(TABLES)) {
        while (rows.next()) {
          tables.add(quote(rows.getString(1)) + "." + quote(rows.getString(2)));
        }
      }
      if (tables.isEmpty()) {
        throw new IllegalStateException("no tables in " + storeUrl);
      }
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rows.next()) {
            dump.append(table).append(": ").append(rows.getString(1)).append('\n');
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot dump " + storeUrl + ": " + e.getMessage(), e);
    }
    return dump.toString();
  }

  /**
   * For each needle (as UTF-8), the files of the server's data directory whose raw bytes contain it, after a
   * CHECKPOINT wrote every changed page to them. Each file is read once. Fails when the data directory is not on this
   * machine.
   */
  public static Map<String, List<Path>> filesContaining(String storeUrl, List<String> needles) {
    Path dataDir = checkpointAndLocate(storeUrl);
    Map<String, List<Path>> found = new LinkedHashMap<>();
    needles.forEach(needle -> found.put(needle, new ArrayList<>()));
    for (Path file : regularFiles(dataDir)) {
      String bytes = read(file);
      for (String needle : needles) {
        if (bytes.contains(new String(needle.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
          found.get(needle).add(file);
        }
      }
    }
    return found;
  }

  /**
   * Every regular file under {@code dir}. The server keeps working while it is walked: a file or directory that
   * vanishes meanwhile (a relation cache rewritten, a WAL segment recycled) is skipped, not an error.
   */
  private static List<Path> regularFiles(Path dir) {
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile()) {
            files.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
          if (failure instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw failure;
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the data directory " + dir + ": " + e.getMessage(), e);
    }
    return files;
  }

  private static Path checkpointAndLocate(String storeUrl) {
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(storeUrl));
         Statement statement = conn.createStatement()) {
      statement.execute("CHECKPOINT");
      try (ResultSet rows = statement.executeQuery("SHOW data_directory")) {
        rows.next();
        Path dir = Path.of(rows.getString(1));
        if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
          throw new IllegalStateException("the test PostgreSQL's data directory " + dir + " is not readable here: the "
              + "raw-bytes check needs the embedded server (unset CTRLPLANE_TEST_PG_URL) or a server on this machine");
        }
        return dir;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot checkpoint " + storeUrl + ": " + e.getMessage(), e);
    }
  }

  /** The file's bytes, one char each. */
  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException vanished) {
      return ""; // a WAL segment recycled or a temp file removed while walking
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
