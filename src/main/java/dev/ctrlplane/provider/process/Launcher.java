package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.SecretMaterial;
import io.vertx.core.Context;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Spawns replicas as {@code setsid <image>/run} in the image's directory, each in a session and process group of its
 * own (so a stop reaches the whole tree and the replica outlives the control plane), with output appended to
 * {@code stdout.log} and {@code stderr.log} in its run dir, and its secret files in {@link SecretFiles}' dir there.
 * Spawning and reading logs are blocking.
 */
final class Launcher {

  static final String STDOUT = "stdout.log";
  static final String STDERR = "stderr.log";
  private static final String SETSID = "/usr/bin/setsid";
  /**
   * The base environment of every replica, Docker's defaults: never the control plane's own environment (it holds
   * the JWT secret and the store's password). The instance's env may override these; HOME is the replica's dir.
   */
  private static final String BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String BASE_LANG = "C.UTF-8";
  private static final File DEV_NULL = new File("/dev/null");
  private static final int TAIL_BYTES = 4096;
  private static final int MAX_LINE = 300;

  private final Path runDir;
  private final String host;
  private final Context context;

  Launcher(Path runDir, String host, Context context) {
    this.runDir = runDir;
    this.host = host;
    this.context = context;
  }

  Path instanceDir(String instanceId) {
    return runDir.resolve(instanceId);
  }

  Path replicaDir(String instanceId, int index) {
    return instanceDir(instanceId).resolve(Integer.toString(index));
  }

  /**
   * Spawns replica {@code index} of {@code set}, one of the spec's replica sets, with the set's env, then
   * {@code secrets}' env over it, and its secret files written. Blocking.
   */
  ReplicaProcess spawn(InstanceSpec spec, ReplicaSet set, SecretMaterial secrets, Path executable, int index,
      int port) throws IOException {
    Path dir = Files.createDirectories(replicaDir(spec.instanceId(), index));
    Path secretsDir = SecretFiles.write(dir, secrets.files());
    Path absolute = executable.toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(SETSID, absolute.toString())
        .directory(absolute.getParent().toFile())
        .redirectInput(Redirect.from(DEV_NULL))
        .redirectOutput(Redirect.appendTo(dir.resolve(STDOUT).toFile()))
        .redirectError(Redirect.appendTo(dir.resolve(STDERR).toFile()));
    fillEnvironment(builder.environment(), spec, set, secrets.env(), secretsDir, dir, index, port);
    Process process = builder.start();
    long startTicks = ProcStat.read(process.pid()).map(ProcStat::startTicks).orElse(0L);
    return ReplicaProcess.spawned(process, startTicks, context);
  }

  /** The last non-blank line the replica wrote to stderr, or "" when there is none. */
  String lastStderrLine(String instanceId, int index) {
    Path file = replicaDir(instanceId, index).resolve(STDERR);
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, in.length() - TAIL_BYTES);
      byte[] tail = new byte[(int) (in.length() - start)];
      in.seek(start);
      in.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        if (!lines[i].isBlank()) {
          String line = lines[i].strip();
          return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The base (PATH, HOME, LANG), then the release's env, then the env secrets over it, then what the provider sets,
   * which nothing overrides.
   */
  private void fillEnvironment(Map<String, String> env, InstanceSpec spec, ReplicaSet set,
      Map<String, String> secretEnv, Path secretsDir, Path replicaDir, int index, int port) {
    env.clear();
    env.put("PATH", BASE_PATH);
    env.put("HOME", replicaDir.toAbsolutePath().toString());
    env.put("LANG", BASE_LANG);
    env.putAll(set.env());
    env.putAll(secretEnv); // an env secret wins over the env entry of the same name
    env.put("PORT", Integer.toString(port));
    env.put("HOST", host);
    env.put("CTRLPLANE_INSTANCE_ID", spec.instanceId());
    env.put("CTRLPLANE_REPLICA", Integer.toString(index));
    env.put("CTRLPLANE_RELEASE_ID", set.releaseId());
    env.put("CTRLPLANE_SECRETS_DIR", secretsDir.toString());
  }
}
