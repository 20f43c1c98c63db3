package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A stand-in control plane for {@link AdoptionTest}, run in a JVM of its own: starts {@code hello:1.0} with the
 * given number of replicas over the given run dir, prints {@code READY <pid>,<pid>} and waits to be killed.
 */
final class ControlPlaneMain {

  private ControlPlaneMain() {}

  public static void main(String[] args) throws Exception {
    Path runDir = Path.of(args[0]);
    int replicas = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    ProcessProvider provider = new ProcessProvider(vertx, ProcessProviderConfig.defaults(ProcessFixture.IMAGES, runDir));
    RunningInstance running = ProcessFixture.await(
        provider.apply(ProcessFixture.spec("web", "hello:1.0", replicas, Map.of("GREETING", "orphan"))));
    System.out.println("READY " + running.replicas().stream()
        .map(Replica::pid).map(String::valueOf).collect(Collectors.joining(",")));
    System.out.flush();
    Thread.currentThread().join(); // until the test SIGKILLs this JVM
  }
}
