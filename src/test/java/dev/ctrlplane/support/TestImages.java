package dev.ctrlplane.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * An images dir for the process provider: the project's {@code hello} images, plus {@code ctl:1.0}, the hello server
 * with behaviour chosen per instance through its env (so a PATCH of env changes it at the next start):
 * <ul>
 *   <li>{@code FAIL=<message>}: writes the message to stderr and exits 1 at once (the instance fails);
 *   <li>{@code START_GATE=<file>}: does not listen before the file exists (a start that lasts until the test says);
 *   <li>{@code STOP_GATE=<file>}: after SIGTERM, does not exit before the file exists (a stop likewise);
 *   <li>{@code DIE_AFTER=<seconds>}: serves, then exits 1 after that long (a replica that turns bad after starting).
 * </ul>
 * Gates keep an instance in a transitional state for exactly as long as a test needs, with no timing guess.
 */
public final class TestImages {

  public static final String CTL = "ctl:1.0";

  private TestImages() {}

  /** A fresh images dir under target/. */
  public static Path create() {
    try {
      Path dir = Files.createTempDirectory(TestNode.tempDir(), "images-");
      Path hello = Path.of("images", "hello").toAbsolutePath();
      Files.createSymbolicLink(dir.resolve("hello"), hello);
      write(dir.resolve("ctl").resolve("1.0"), """
          #!/bin/sh
          if [ -n "$FAIL" ]; then echo "$FAIL" >&2; exit 1; fi
          if [ -n "$STOP_GATE" ]; then trap 'while [ ! -e "$STOP_GATE" ]; do sleep 0.05; done; exit 0' TERM; fi
          if [ -n "$START_GATE" ]; then while [ ! -e "$START_GATE" ]; do sleep 0.05; done; fi
          if [ -n "$DIE_AFTER" ]; then python3 %1$s 1.0 & sleep "$DIE_AFTER"; kill $!; exit 1; fi
          if [ -z "$STOP_GATE" ]; then exec python3 %1$s 1.0; fi
          trap 'while [ ! -e "$STOP_GATE" ]; do sleep 0.05; done; exit 0' TERM
          python3 %1$s 1.0 &
          wait
          """.formatted(hello.resolve("server.py")));
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create test images", e);
    }
  }

  /** A closed gate: a file that does not exist yet. */
  public static Gate gate() {
    return new Gate(TestNode.tempDir().resolve("gate-" + UUID.randomUUID()));
  }

  /** A file an instance of {@code ctl:1.0} waits for; {@link #open()} creates it. */
  public record Gate(Path path) {

    public String env() {
      return path.toString();
    }

    public void open() {
      try {
        Files.createFile(path);
      } catch (IOException e) {
        throw new IllegalStateException("cannot open gate " + path, e);
      }
    }
  }

  private static void write(Path tagDir, String script) throws IOException {
    Files.createDirectories(tagDir);
    Path run = tagDir.resolve("run");
    Files.writeString(run, script);
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
