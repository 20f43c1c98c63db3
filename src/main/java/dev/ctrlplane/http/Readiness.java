package dev.ctrlplane.http;

import dev.ctrlplane.store.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** What {@code /readyz} checks: the store answers, its schema is current, and (clustered) this node has joined. */
public final class Readiness {

  private final Vertx vertx;
  private final Pool pool;
  private final Migrations migrations;

  public Readiness(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.migrations = new Migrations(pool);
  }

  /** Completes with the checks; each is true or a reason. */
  public Future<JsonObject> check() {
    Future<Object> store = migrations.currentVersion()
        .map(version -> version >= Migrations.latestVersion() ? (Object) true : "schema at version " + version)
        .recover(down -> Future.succeededFuture("store unreachable"));
    Object cluster = !vertx.isClustered() || vertx.isClustered() && clusterJoined() ? true : "not joined";
    return store.map(s -> new JsonObject().put("store", s).put("cluster", cluster));
  }

  public static boolean ready(JsonObject checks) {
    return checks.stream().allMatch(e -> Boolean.TRUE.equals(e.getValue()));
  }

  private boolean clusterJoined() {
    return ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().isActive();
  }
}
