package dev.ctrlplane.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A main class run in a JVM of its own on the test classpath, so a test can SIGKILL it like a crashed control plane.
 * Its stdout and stderr are read by a thread of their own into memory and copied to this JVM's stdout, prefixed
 * with the child's name (so the child never blocks on a full pipe, and its output is in the test's report);
 * every wait on it has a deadline, and a wait that times out says what it waited for and what the child printed
 * last. {@link #close()} kills it if it still runs.
 */
public final class ChildJvm implements AutoCloseable {

  private static final int TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "child-jvm-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code args} in {@code workDir} (null: this JVM's working directory). The child
   * sees none of the {@code CTRLPLANE_*} variables of the test run: it is configured by its arguments alone.
   */
  public static ChildJvm start(String name, String mainClass, List<String> args, Path workDir) {
    List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(variable -> variable.startsWith("CTRLPLANE_"));
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    try {
      return new ChildJvm(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The first line matching {@code wanted} the child printed, waiting up to {@code seconds} for it. */
  public String awaitLine(Predicate<String> wanted, int seconds, String what) {
    return Poll.value(() -> {
      Optional<String> line = firstLine(wanted);
      if (line.isEmpty() && !process.isAlive()) {
        throw new AssertionError(name + " exited (code " + process.exitValue() + ") before " + what + ":\n" + tail());
      }
      return line;
    }, seconds, () -> name + " to print " + what + "; it printed last:\n" + tail());
  }

  /** SIGKILL, and waits (with a deadline) until the JVM is gone: no shutdown hook, no clean close. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(30);
  }

  /** SIGTERM (the JVM runs its shutdown hooks), and waits up to {@code seconds} until it is gone. */
  public void terminate(int seconds) {
    process.destroy();
    awaitExit(seconds);
  }

  /** Waits up to {@code seconds} for the JVM to exit; its exit code. */
  public int awaitExit(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out after " + seconds + "s: " + name + " (pid " + pid() + ") to exit");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines the child printed, for failure messages. */
  public String tail() {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private Optional<String> firstLine(Predicate<String> wanted) {
    synchronized (lines) {
      return lines.stream().filter(wanted).findFirst();
    }
  }

  private void readOutput() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        synchronized (lines) {
          lines.add(line);
        }
        System.out.println("[" + name + "] " + line); // into the test's output file, for whoever reads a failure
      }
    } catch (IOException closed) {
      // the child is gone; what it printed is kept
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
