package dev.ctrlplane.provider.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} the provider needs (Linux only). {@code startTicks} (field 22) tells a
 * process apart from a later one that reuses its pid.
 */
record ProcStat(long pid, char state, long processGroup, long startTicks) {

  /** The process now holding {@code pid}, if any. Blocking (reads /proc). */
  static Optional<ProcStat> read(long pid) {
    try {
      return Optional.of(parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code pid} still names the process that started at {@code startTicks} and it has not exited. */
  static boolean isRunning(long pid, long startTicks) {
    return read(pid).filter(stat -> stat.startTicks == startTicks && stat.isRunning()).isPresent();
  }

  static ProcStat parse(long pid, String stat) {
    // field 2 (comm) may contain spaces and parentheses, so counting starts after its closing ')'
    String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
    return new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[2]), Long.parseLong(fields[19]));
  }

  /** False for a zombie (exited, not yet reaped) or a dead process. */
  boolean isRunning() {
    return state != 'Z' && state != 'X' && state != 'x';
  }
}
