package dev.ctrlplane.cli;

import dev.ctrlplane.config.ConfigException;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.network.cert.CertKeyRotation;
import dev.ctrlplane.secrets.SecretRotation;
import dev.ctrlplane.store.Migrations;
import dev.ctrlplane.store.StorePool;
import dev.ctrlplane.store.StoreServer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ctrlplane secrets rotate}: re-encrypts every secret value with {@code secrets.key}, reading older values
 * with {@code secrets.previous_keys}, while the nodes keep serving; then the certificates' private keys and the
 * built-in authority's root key (a line {@code certificate keys: rotated N, failed F} when there were any to do). Safe to re-run and to interrupt; prints
 * {@code rotated N, already current M, failed F}, and exits 1 when some value could not be decrypted.
 */
@Command(name = "rotate", description = "Re-encrypt every secret value with secrets.key (nodes keep serving).")
final class SecretsRotateCommand implements Callable<Integer> {

  private static final int MAX_BATCH = 10_000;

  @Mixin
  ConfigOptions options;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100",
      description = "values re-encrypted per round trip to the store (default 100)")
  int batchSize;

  @Option(names = "--limit", paramLabel = "N", description = "re-encrypt at most N values in this run (default: all)")
  Long limit;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw new ConfigException("--batch-size: expected 1.." + MAX_BATCH + ", got " + batchSize);
    }
    if (limit != null && limit < 1) {
      throw new ConfigException("--limit: expected a positive number, got " + limit);
    }
    CtrlplaneConfig config = options.loadForSecrets();
    KeyRing keys = config.secrets().keyRing();
    try (StoreServer store = StoreServer.attach(config)) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = StorePool.create(vertx, store.url(), 2);
        requireCurrentSchema(pool);
        SecretRotation.Report report = new SecretRotation(vertx, pool, keys)
            .run(batchSize, limit == null ? Long.MAX_VALUE : limit)
            .toCompletionStage().toCompletableFuture().get();
        System.out.println(report.line());
        CertKeyRotation.Report certs = new CertKeyRotation(vertx, pool, keys).run(batchSize)
            .toCompletionStage().toCompletableFuture().get();
        if (certs.rotated() + certs.failed() > 0) {
          System.out.println(certs.line());
        }
        return report.failed() == 0 && certs.failed() == 0 ? 0 : 1;
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void requireCurrentSchema(Pool pool) throws Exception {
    int version = new Migrations(pool).currentVersion().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    if (version < Migrations.latestVersion()) {
      throw new IllegalStateException("the store's schema is at version " + version + ", this ctrlplane needs "
          + Migrations.latestVersion() + ": run ctrlplane migrate (or serve) first");
    }
  }
}
