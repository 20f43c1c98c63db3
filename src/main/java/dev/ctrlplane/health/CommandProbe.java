package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code command}: runs {@code sh -c <target>} in the replica's working directory with the instance's env (and the
 * replica's PORT); exit status 0 is healthy. The command leads a session of its own, so at the timeout its whole
 * process tree is killed: the group, and every descendant found, in case one left the group.
 */
final class CommandProbe {

  private static final String SETSID = "/usr/bin/setsid";
  private static final String BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Vertx vertx;

  CommandProbe(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code replicaPid} is the replica's process, whose working directory the command runs in. */
  Future<ProbeResult> probe(String command, long replicaPid, Map<String, String> env, Duration timeout) {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return Attempt.run(vertx, timeout, attempt -> vertx.executeBlocking(() -> start(command, replicaPid, env), false)
        .onSuccess(process -> {
          attempt.onTimeout(() -> vertx.executeBlocking(() -> killTree(process), false));
          if (attempt.done()) { // the timeout fired while it was starting
            vertx.executeBlocking(() -> killTree(process), false);
            return;
          }
          Future.fromCompletionStage(process.onExit(), context).onComplete(exited -> {
            int status = process.exitValue();
            if (status == 0) {
              attempt.passed(null, "exit status 0");
            } else {
              attempt.failed(null, "exit status " + status);
            }
          });
        })
        .onFailure(attempt::failed));
  }

  private static Process start(String command, long replicaPid, Map<String, String> env) throws IOException {
    Path cwd = workingDirectory(replicaPid);
    ProcessBuilder builder = new ProcessBuilder(SETSID, "/bin/sh", "-c", command)
        .directory(cwd.toFile())
        .redirectInput(Redirect.from(new File("/dev/null")))
        .redirectOutput(Redirect.DISCARD)
        .redirectError(Redirect.DISCARD);
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("PATH", BASE_PATH);
    environment.put("LANG", "C.UTF-8");
    environment.putAll(env);
    return builder.start();
  }

  /** The replica's working directory, as its process sees it now. */
  private static Path workingDirectory(long pid) throws IOException {
    if (pid <= 0) {
      throw new IOException("the replica has no process to run the command beside");
    }
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
    } catch (IOException e) {
      throw new IOException("cannot find the working directory of replica process " + pid + ": " + e.getMessage());
    }
  }

  private static Void killTree(Process process) throws IOException, InterruptedException {
    List<ProcessHandle> tree = process.descendants().toList();
    Process kill = new ProcessBuilder("kill", "-s", "KILL", "--", "-" + process.pid())
        .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
    kill.waitFor();
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    return null;
  }
}
