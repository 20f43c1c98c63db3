package dev.ctrlplane.cli;

import dev.ctrlplane.ControlPlane;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.store.StoreServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ctrlplane serve}: runs a node until SIGTERM/SIGINT. */
@Command(name = "serve", description = "Run a ctrlplane node (embedded PostgreSQL unless store.url is set).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    CtrlplaneConfig config = options.loadForNode();
    StoreServer store = StoreServer.open(config);
    ControlPlane node;
    try {
      node = ControlPlane.start(config, store.url()).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      store.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("ctrlplane: shutdown was not clean: " + e.getMessage());
      } finally {
        store.close();
        stopped.countDown();
      }
    }, "ctrlplane-shutdown"));
    stopped.await();
    return 0;
  }
}
