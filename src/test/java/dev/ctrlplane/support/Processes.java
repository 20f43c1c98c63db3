package dev.ctrlplane.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real processes of an instance, found the way an operator would: every live process whose environment carries
 * {@code CTRLPLANE_INSTANCE_ID=<id>} (the process provider sets it on each replica). Independent of the provider's
 * own bookkeeping, so it can tell adopted replicas from duplicates and prove that a stop left nothing behind.
 */
public final class Processes {

  private static final Path PROC = Path.of("/proc");

  private Processes() {}

  /** Pids of the instance's live processes, ascending. */
  public static List<Long> of(String instanceId) {
    byte[] marker = ("CTRLPLANE_INSTANCE_ID=" + instanceId + "\0").getBytes(StandardCharsets.UTF_8);
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(PROC)) {
      entries.map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> environContains(pid, marker))
          .sorted()
          .forEach(pids::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  /** The safety net after a test: SIGKILL whatever still runs for the instance. */
  public static void kill(String instanceId) {
    of(instanceId).forEach(Processes::kill);
  }

  /** SIGKILL to one process (a crashed replica, say); nothing to wait for, the signal is sent at once. */
  public static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * SIGKILL to the process group that {@code pid} leads and to {@code pid} itself: the provider starts each replica
   * with setsid, so its group holds the image's children too.
   */
  public static void killGroup(long pid) {
    signalKill("-" + pid);
    signalKill(Long.toString(pid));
  }

  private static void signalKill(String target) {
    try {
      Process kill = new ProcessBuilder("kill", "-KILL", "--", target).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new AssertionError("timed out after 10s: kill -KILL -- " + target + " to return");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean environContains(long pid, byte[] marker) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException gone) {
      return false; // exited meanwhile, or not ours to read
    }
    // each entry is NUL-terminated; matching at an entry start avoids prefixes of longer ids
    outer:
    for (int start = 0; start + marker.length <= environ.length; start++) {
      if (start > 0 && environ[start - 1] != 0) {
        continue;
      }
      for (int i = 0; i < marker.length; i++) {
        if (environ[start + i] != marker[i]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
