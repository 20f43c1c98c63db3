package dev.ctrlplane.provider.process;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.support.Processes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real processes for the process provider's tests: providers over temp dirs, test images, blocking waits from the
 * test thread, and a safety net that kills every process group a test saw, so no test leaves processes behind.
 */
final class ProcessFixture {

  static final Path IMAGES = Path.of("images");
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Path runDir;
  private final List<ProcessProvider> providers = new ArrayList<>();
  /** pid → start ticks of every process a test saw, so the clean-up never hits a reused pid. */
  private final Map<Long, Long> seen = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ProcessFixture(Vertx vertx, Path runDir) {
    this.vertx = vertx;
    this.runDir = runDir;
  }

  /** Small timeouts and backoffs, so tests run fast. */
  ProcessProviderConfig config(Path imagesDir) {
    return new ProcessProviderConfig(imagesDir, runDir, Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofMillis(20), Duration.ofMillis(100), 5, Duration.ofSeconds(60));
  }

  ProcessProvider provider(ProcessProviderConfig config) {
    ProcessProvider provider = new ProcessProvider(vertx, config);
    providers.add(provider);
    await(provider.ready());
    return provider;
  }

  ProcessProvider provider() {
    return provider(config(IMAGES));
  }

  /** One replica set, release {@code rel-<image>}. */
  static InstanceSpec spec(String instanceId, String image, int replicas, Map<String, String> env) {
    return sets(instanceId, new ReplicaSet("rel-" + image, image, env, replicas));
  }

  /** Any replica sets, side by side. */
  static InstanceSpec sets(String instanceId, ReplicaSet... sets) {
    return new InstanceSpec(instanceId, "tenant-1", new Resources(100, 64, 128, 1), List.of(), List.of(sets));
  }

  /** Writes an executable {@code <imagesDir>/<name>/<tag>/run}. */
  static void image(Path imagesDir, String name, String tag, String script) throws IOException {
    Path dir = Files.createDirectories(imagesDir.resolve(name).resolve(tag));
    Path run = dir.resolve("run");
    Files.writeString(run, script);
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The result of a future, from the test thread; rethrows its failure. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return fail("expected a failure");
  }

  static void until(BooleanSupplier condition, String what) {
    dev.ctrlplane.support.Poll.until(condition, (int) WAIT.toSeconds(), () -> what);
  }

  /** The replicas' pids, remembered for the clean-up. */
  List<Long> pids(RunningInstance running) {
    List<Long> list = running.replicas().stream().map(Replica::pid).toList();
    list.forEach(this::track);
    return list;
  }

  void track(long pid) {
    ProcStat.read(pid).ifPresent(stat -> seen.putIfAbsent(pid, stat.startTicks()));
  }

  static boolean isAlive(long pid) {
    return ProcStat.read(pid).filter(ProcStat::isRunning).isPresent();
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for {@code pattern} (one group: a number) to appear in a file and returns the number. */
  static long numberIn(Path file, String pattern) {
    Pattern regex = Pattern.compile(pattern);
    long[] found = {-1};
    until(() -> {
      try {
        Matcher m = regex.matcher(Files.exists(file) ? Files.readString(file) : "");
        return m.find() && (found[0] = Long.parseLong(m.group(1))) > 0;
      } catch (IOException e) {
        return false;
      }
    }, pattern + " appears in " + file);
    return found[0];
  }

  /** Stops what tests left running, then kills any process group a test saw that still runs. */
  void cleanUp() throws Exception {
    for (ProcessProvider provider : providers) {
      try {
        for (String id : provider.instanceIds()) {
          await(provider.stop(id));
        }
        await(provider.detach());
      } catch (RuntimeException e) {
        // detached earlier by the test; the safety net below covers its replicas
      }
    }
    seen.forEach((pid, ticks) -> {
      if (ProcStat.isRunning(pid, ticks)) {
        Processes.killGroup(pid);
      }
    });
    seen.forEach((pid, ticks) -> until(() -> !ProcStat.isRunning(pid, ticks), "pid " + pid + " is gone"));
  }
}
