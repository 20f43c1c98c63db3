package dev.ctrlplane.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The one PostgreSQL pool of a node: prepared statements cached per connection, shared by every verticle. */
public final class StorePool {

  private StorePool() {}

  public static Pool create(Vertx vertx, String url, int size) {
    PgConnectOptions connect = PgConnectOptions.fromUri(url)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512)
        // the multi-row inserts of a group commit are longer than the default limit (2048 characters) of a cached text
        .setPreparedStatementCacheSqlLimit(16_384)
        .setPipeliningLimit(64);
    PoolOptions pool = new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(10_000).setName("ctrlplane-store")
        .setShared(false).setConnectionTimeout(5).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
