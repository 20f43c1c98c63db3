package dev.ctrlplane.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup store: real PostgreSQL binaries from Maven Central, run as a child process with its data under
 * {@code <data.dir>/pg}. Blocking; used at start-up before Vert.x runs.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Duration LEFTOVER_STOP_WAIT = Duration.ofSeconds(30);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL on {@code dataDir} (created on first use), durably: fsync and synchronous commit on. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      stopLeftoverPostmaster(dataDir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir.toFile())
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          // the library starts postgres with -F and synchronous_commit=off; a later -c wins, and a store must be durable
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          // A new 16 MB WAL file is zero-filled while the commits that need it wait: on a growing database, a
          // 60-80 ms stall for every 16 MB of WAL, about one a second at 2,400 creates/s (most of the create p99 in
          // docs/BENCHMARKS.md). Without it only the file's last byte is written; fdatasync still persists what a
          // commit needs, blocks included, so durability is unchanged.
          .setServerConfig("wal_init_zero", "off")
          .setServerConfig("max_connections", "300")
          .setServerConfig("listen_addresses", "127.0.0.1");
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedPostgresServer(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** A connection URL for the superuser's default database. */
  public String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  /**
   * A control plane killed with SIGKILL leaves its PostgreSQL running on the data directory, which would make this
   * start fail on the locked directory. Ask that postmaster for a fast shutdown and wait for it to go.
   */
  static void stopLeftoverPostmaster(Path dataDir) throws IOException {
    Optional<ProcessHandle> leftover = leftoverPostmaster(dataDir);
    if (leftover.isEmpty()) {
      return;
    }
    ProcessHandle postmaster = leftover.get();
    LOG.warn("found a PostgreSQL (pid {}) left running on {} by an earlier run; stopping it", postmaster.pid(), dataDir);
    signal("INT", postmaster.pid());
    try {
      postmaster.onExit().get(LEFTOVER_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("leftover PostgreSQL {} did not stop in {}; killing it", postmaster.pid(), LEFTOVER_STOP_WAIT);
      postmaster.destroyForcibly();
      postmaster.onExit().join();
    }
  }

  /**
   * The URL of a PostgreSQL already running on {@code dataDir} (a serving node's), read from its
   * {@code postmaster.pid} (line 4 is the port); empty when none runs there.
   */
  public static Optional<String> runningUrl(Path dataDir) {
    try {
      if (leftoverPostmaster(dataDir).isEmpty()) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      if (lines.size() < 4 || !lines.get(3).trim().matches("\\d{1,5}")) {
        return Optional.empty();
      }
      return Optional.of("postgresql://postgres:postgres@127.0.0.1:" + lines.get(3).trim() + "/postgres");
    } catch (IOException unreadable) {
      return Optional.empty();
    }
  }

  private static Optional<ProcessHandle> leftoverPostmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
  }

  private static void signal(String signal, long pid) throws IOException {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL " + pid, e);
    }
  }
}
