package dev.ctrlplane.support;

import dev.ctrlplane.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code ctrlplane} command line in this JVM as an operator would, capturing what it prints. The process's
 * stdout and stderr are swapped for the run, so only one command runs at a time.
 */
public final class CliRun {

  /** The exit code and what the command printed. */
  public record Result(int exit, String out, String err) {}

  private CliRun() {}

  public static synchronized Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int exit = Cli.run(args);
      return new Result(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
