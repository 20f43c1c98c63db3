package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The process provider's replicas as a node's data dir shows them: pid files
 * {@code <data>/replicas/<instance>/<index>/replica.json}, checked against {@code /proc} and the replica's port. Also
 * the safety net that kills whatever replica a test left running, so a failed test leaves no processes behind.
 */
final class Replicas {

  /** One replica process: its pid, its start time in clock ticks (tells it from a reused pid), its port. */
  record Replica(long pid, long startTicks, int port) {

    boolean alive() {
      return startTicksOf(pid).filter(ticks -> ticks == startTicks).isPresent();
    }
  }

  /** pid → start ticks of every replica a test saw. */
  private final Map<Long, Long> seen = new ConcurrentHashMap<>();

  /** Replica 0 of the instance on {@code node}, once its process is alive and accepts connections. */
  Replica awaitRunning(TestNode node, String instanceId) {
    Path file = pidFile(node.dataDir(), instanceId);
    Replica replica = Poll.value(() -> read(file).filter(Replica::alive), 15, () -> "no live replica in " + file);
    seen.put(replica.pid(), replica.startTicks());
    Poll.until(() -> accepts(replica.port()), 15, () -> replica + " does not accept connections");
    return replica;
  }

  void awaitGone(Replica replica) {
    Poll.until(() -> !replica.alive() && !accepts(replica.port()), 15, () -> replica + " still runs");
  }

  void assertNone(TestNode node, String instanceId) {
    Path file = pidFile(node.dataDir(), instanceId);
    assertTrue(read(file).filter(Replica::alive).isEmpty(), () -> "unexpected replica in " + file);
  }

  /** Kills the process group of every replica seen by a test or still named by a pid file under {@code dataDirs}. */
  void killLeftovers(List<Path> dataDirs) {
    dataDirs.stream().flatMap(Replicas::pidFiles).map(Replicas::read).flatMap(Optional::stream)
        .forEach(r -> seen.putIfAbsent(r.pid(), r.startTicks()));
    seen.forEach((pid, ticks) -> {
      Replica replica = new Replica(pid, ticks, 0);
      if (replica.alive()) {
        Processes.killGroup(pid);
      }
    });
  }

  private static Path pidFile(Path dataDir, String instanceId) {
    return dataDir.resolve("replicas").resolve(instanceId).resolve("0").resolve("replica.json");
  }

  private static Stream<Path> pidFiles(Path dataDir) {
    Path replicas = dataDir.resolve("replicas");
    if (!Files.isDirectory(replicas)) {
      return Stream.empty();
    }
    try (Stream<Path> walk = Files.walk(replicas, 3)) {
      return walk.filter(p -> p.getFileName().toString().equals("replica.json")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Replica> read(Path file) {
    try {
      JsonObject json = new JsonObject(Files.readString(file));
      return Optional.of(new Replica(json.getLong("pid"), json.getLong("start_ticks"), json.getInteger("port")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Field 22 of {@code /proc/<pid>/stat}; empty when there is no such process or it is a zombie. */
  private static Optional<Long> startTicksOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return "ZXx".contains(fields[0]) ? Optional.empty() : Optional.of(Long.parseLong(fields[19]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
