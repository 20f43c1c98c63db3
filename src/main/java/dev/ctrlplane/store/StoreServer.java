package dev.ctrlplane.store;

import dev.ctrlplane.config.CtrlplaneConfig;

/**
 * Where the store is for this run: the configured PostgreSQL server, or an embedded one started now under
 * {@code <data.dir>/pg} (and stopped by {@link #close}).
 */
public final class StoreServer implements AutoCloseable {

  private final String url;
  private final EmbeddedPostgresServer embedded;

  private StoreServer(String url, EmbeddedPostgresServer embedded) {
    this.url = url;
    this.embedded = embedded;
  }

  /** Blocking: starts the embedded PostgreSQL when {@code store.url} is empty. */
  public static StoreServer open(CtrlplaneConfig config) {
    if (!config.store().embedded()) {
      return new StoreServer(config.store().url(), null);
    }
    EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(config.dataDir().resolve("pg"), config.store().embeddedPort());
    return new StoreServer(server.url(), server);
  }

  /**
   * Like {@link #open}, but joins the embedded PostgreSQL a serving node already runs on {@code <data.dir>/pg}
   * instead of starting one (which would first stop it): for commands that run beside a serving node.
   */
  public static StoreServer attach(CtrlplaneConfig config) {
    if (config.store().embedded()) {
      var running = EmbeddedPostgresServer.runningUrl(config.dataDir().resolve("pg"));
      if (running.isPresent()) {
        return new StoreServer(running.get(), null);
      }
    }
    return open(config);
  }

  public String url() {
    return url;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
