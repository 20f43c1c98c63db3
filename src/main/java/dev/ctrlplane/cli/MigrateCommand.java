package dev.ctrlplane.cli;

import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.store.Migrations;
import dev.ctrlplane.store.StorePool;
import dev.ctrlplane.store.StoreServer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ctrlplane migrate}: applies the schema migrations and exits (serve also does this at start-up). */
@Command(name = "migrate", description = "Apply database migrations and exit.")
final class MigrateCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    CtrlplaneConfig config = options.load();
    try (StoreServer store = StoreServer.open(config)) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = StorePool.create(vertx, store.url(), 2);
        int applied = new Migrations(pool).migrate().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        System.out.println("applied " + applied + " migration(s); schema is at version " + Migrations.latestVersion());
        return 0;
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
