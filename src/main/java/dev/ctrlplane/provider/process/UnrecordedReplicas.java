package dev.ctrlplane.provider.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Replicas a killed control plane had started but not yet recorded: a replica's pid file is written right after
 * its process starts, and a SIGKILL can fall in between. Such a process is found in {@code /proc} by two things the
 * launcher gave it that no image changes: {@code CTRLPLANE_INSTANCE_ID} and {@code CTRLPLANE_REPLICA} in its
 * environment (set after the instance's own env), and its stdout, open on the {@code stdout.log} of that replica's
 * dir in this run dir (so a replica of another node's run dir is never taken for one of ours). Its pid file is then
 * written, so it is adopted like any other. Linux only; blocking (reads /proc).
 */
final class UnrecordedReplicas {

  /** A replica slot of an instance, and its dir: where a process may run without a pid file. */
  record Slot(String instanceId, int index, Path dir) {}

  /** How a slot is named in a process's environment. */
  private record Name(String instanceId, int index) {}

  private static final Path PROC = Path.of("/proc");
  private static final String INSTANCE = "CTRLPLANE_INSTANCE_ID=";
  private static final String REPLICA = "CTRLPLANE_REPLICA=";
  private static final String PORT = "PORT=";
  private static final String RELEASE = "CTRLPLANE_RELEASE_ID=";

  private UnrecordedReplicas() {}

  /**
   * The live processes running one of {@code slots} (slot dirs under {@code runDir} with no live pid file), each
   * recorded now with a pid file; at most one per slot.
   */
  static Map<Slot, ReplicaFile> find(Iterable<Slot> slots) throws IOException {
    Map<Name, Slot> bySlotName = new HashMap<>();
    Map<Slot, Path> logs = new HashMap<>();
    for (Slot slot : slots) {
      Path log = slot.dir().resolve(Launcher.STDOUT);
      if (Files.exists(log)) {
        logs.put(slot, log.toRealPath());
        bySlotName.put(new Name(slot.instanceId(), slot.index()), slot);
      }
    }
    Map<Slot, ReplicaFile> found = new HashMap<>();
    if (logs.isEmpty()) {
      return found;
    }
    try (Stream<Path> entries = Files.list(PROC)) {
      entries.map(p -> p.getFileName().toString())
          .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .forEach(pid -> recordIfOurs(pid, bySlotName, logs).ifPresent(r -> found.putIfAbsent(r.slot(), r.file())));
    }
    return found;
  }

  private record Recorded(Slot slot, ReplicaFile file) {}

  private static Optional<Recorded> recordIfOurs(long pid, Map<Name, Slot> slots, Map<Slot, Path> logs) {
    Optional<Map<String, String>> env = environment(pid);
    if (env.isEmpty() || !env.get().containsKey(INSTANCE) || !env.get().containsKey(REPLICA)) {
      return Optional.empty();
    }
    Slot slot;
    int port;
    try {
      slot = slots.get(new Name(env.get().get(INSTANCE), Integer.parseInt(env.get().get(REPLICA))));
      port = Integer.parseInt(env.get().getOrDefault(PORT, "0"));
    } catch (NumberFormatException notOurs) {
      return Optional.empty();
    }
    Path log = slot == null ? null : logs.get(slot);
    Optional<ProcStat> stat = ProcStat.read(pid);
    if (log == null || !log.equals(stdoutOf(pid)) || stat.isEmpty() || !stat.get().isRunning()) {
      return Optional.empty();
    }
    // when it started exactly is not known here; the moment it was found is close enough for its status
    // the release it runs is in its environment; its image is not, and is not needed to place it in its set
    ReplicaFile file = new ReplicaFile(pid, stat.get().startTicks(), port, Instant.now(), 0, "",
        env.get().get(RELEASE));
    file.write(slot.dir());
    return Optional.of(new Recorded(slot, file));
  }

  /** The variables the launcher sets, from the environment the process was started with. */
  private static Optional<Map<String, String>> environment(long pid) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException gone) {
      return Optional.empty(); // exited meanwhile, or not ours to read
    }
    Map<String, String> wanted = new HashMap<>();
    for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
      for (String prefix : new String[] {INSTANCE, REPLICA, PORT, RELEASE}) {
        if (entry.startsWith(prefix)) {
          wanted.put(prefix, entry.substring(prefix.length()));
        }
      }
    }
    return Optional.of(wanted);
  }

  private static Path stdoutOf(long pid) {
    try {
      return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("fd").resolve("1"));
    } catch (IOException | UnsupportedOperationException | SecurityException unreadable) {
      return null;
    }
  }
}
