package dev.ctrlplane.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Docker-compatible engine for the docker provider's tests: Podman's API service ({@code podman system service})
 * as root on a socket of its own, with storage of its own (vfs) under a temp dir, the runc runtime and explicit
 * ulimits (this machine's crun fails, and runc refuses the default rlimits), and images imported from a busybox
 * rootfs (no registry is reachable). Started and stopped by the tests; without podman the tests fail saying so.
 *
 * <p>Test images ({@link #importImage}) run {@code /app/run}: with {@code FAIL} set it writes it to stderr and exits
 * 1; otherwise it writes its version, its environment and a copy of {@code $CTRLPLANE_SECRETS_DIR} under {@code /www}
 * and serves that dir with busybox httpd on {@code $PORT}: {@code /} is the version, {@code /env.txt} the
 * environment, {@code /secrets/<path>} the secret files.
 */
public final class PodmanEngine implements AutoCloseable {

  private static final String BUSYBOX = "/bin/busybox";
  private static final List<String> APPLETS = List.of("sh", "httpd", "cat", "cp", "mkdir", "env", "echo", "sleep",
      "ls", "kill", "true");
  private static final String RUN = """
      #!/bin/sh
      if [ -n "$FAIL" ]; then echo "$FAIL" >&2; exit 1; fi
      mkdir -p /www
      cat /app/version > /www/index.html
      env > /www/env.txt
      if [ -d "$CTRLPLANE_SECRETS_DIR" ]; then cp -r "$CTRLPLANE_SECRETS_DIR" /www/secrets; fi
      echo "version $(cat /app/version) serving on $PORT"
      echo "a line on stderr" >&2
      exec httpd -f -p "$PORT" -h /www
      """;

  private final Path dir;
  private final Path socket;
  private Process service;

  private PodmanEngine(Path dir) {
    this.dir = dir;
    this.socket = dir.resolve("podman.sock");
  }

  /** Starts a fresh engine; fails the test with what to install when podman, runc or busybox is missing. */
  public static PodmanEngine start() {
    for (String tool : List.of("/usr/bin/podman", "/usr/sbin/runc", BUSYBOX)) {
      if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr/sbin/", "/usr/bin/")))) {
        fail("the docker provider tests need podman, runc and busybox-static (" + tool + " is missing): "
            + "apt-get install -y podman runc busybox-static (.ci/run installs them)");
      }
    }
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "ctrlplane-podman-");
      Files.writeString(dir.resolve("containers.conf"), """
          [containers]
          default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
          [engine]
          runtime = "runc"
          """);
      PodmanEngine engine = new PodmanEngine(dir);
      engine.startService();
      return engine;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start podman", e);
    }
  }

  /** {@code unix:///…/podman.sock}, for {@code provider.docker.host}. */
  public String host() {
    return "unix://" + socket;
  }

  /** The settings a node needs to run its docker provider on this engine. */
  public Map<String, String> settings() {
    return Map.of(
        "provider.docker.enabled", "true",
        "provider.docker.host", host(),
        "provider.docker.runtime", "runc",
        "provider.docker.ulimits.nofile", "1024",
        "provider.docker.ulimits.nproc", "1024",
        "provider.docker.stop_grace", "2s",
        "provider.docker.poll_interval", "250ms");
  }

  /** (Re)starts the API service and waits until it answers {@code /_ping}. */
  public void startService() {
    try {
      List<String> command = new ArrayList<>(podman());
      command.addAll(List.of("system", "service", "--time=0", host()));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(dir.resolve("service.log").toFile()));
      builder.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
      Files.deleteIfExists(socket);
      service = builder.start();
      Poll.until(this::answers, 60, () -> "podman's API service to answer on " + socket + " (see "
          + dir.resolve("service.log") + ")");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start podman system service", e);
    }
  }

  /** Stops the API service (containers keep running, as with a Docker daemon with live-restore). */
  public void stopService() {
    if (service != null && service.isAlive()) {
      service.destroy();
      try {
        if (!service.waitFor(30, TimeUnit.SECONDS)) {
          service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Poll.until(() -> !answers(), 30, () -> "podman's API service to stop answering");
  }

  /** Imports {@code name} (e.g. {@code localhost/web:1}), whose {@code /} answers {@code version}. */
  public void importImage(String name, String version) {
    try {
      Path rootfs = Files.createTempDirectory(dir, "rootfs-");
      Path bin = Files.createDirectories(rootfs.resolve("bin"));
      Files.copy(Path.of(BUSYBOX), bin.resolve("busybox"));
      for (String applet : APPLETS) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
      Path app = Files.createDirectories(rootfs.resolve("app"));
      Files.writeString(app.resolve("version"), version + "\n");
      Files.writeString(app.resolve("run"), RUN);
      Files.setPosixFilePermissions(app.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createDirectories(rootfs.resolve("tmp"));
      Path tar = dir.resolve(rootfs.getFileName() + ".tar");
      run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."));
      List<String> command = new ArrayList<>(podman());
      command.addAll(List.of("import", "--change", "CMD [\"/app/run\"]", "--change", "ENV PATH=/bin",
          tar.toString(), name));
      run(command);
    } catch (IOException e) {
      throw new IllegalStateException("cannot import image " + name, e);
    }
  }

  /** Runs a podman command on this engine's storage; its output. */
  public String podman(String... args) {
    List<String> command = new ArrayList<>(podman());
    command.addAll(List.of(args));
    return run(command);
  }

  /** The ids of the running containers carrying label {@code key=value}. */
  public List<String> running(String label) {
    String out = podman("ps", "-q", "--no-trunc", "--filter", "label=" + label);
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** Every container (any state) carrying label {@code key=value}. */
  public List<String> all(String label) {
    String out = podman("ps", "-a", "-q", "--no-trunc", "--filter", "label=" + label);
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** Removes every container, stops the service and deletes the storage. */
  @Override
  public void close() {
    try {
      podman("rm", "-a", "-f", "-t", "0");
    } catch (RuntimeException e) {
      // best effort: the storage goes below anyway
    } finally {
      stopService();
      try {
        run(List.of("rm", "-rf", dir.toString()));
      } catch (RuntimeException e) {
        // a busy mount point: left for the OS to clean /tmp
      }
    }
  }

  private List<String> podman() {
    return List.of("podman", "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("runroot").toString(),
        "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file");
  }

  private String run(List<String> command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean answers() {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer reply = ByteBuffer.allocate(512);
      channel.read(reply);
      return new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII).contains(" 200 ");
    } catch (IOException e) {
      return false;
    }
  }
}
