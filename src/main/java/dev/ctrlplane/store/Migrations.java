package dev.ctrlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order at start-up. A PostgreSQL advisory lock held for the whole run makes
 * it safe for several nodes to start at once: the second waits, then finds nothing left to do.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long LOCK_KEY = 0x6374726c706c616eL; // "ctrlplan"

  /**
   * Every migration, oldest first. Each runs once, in its own transaction. A script's version is the number in its
   * name (V010 is version 10), so numbers assigned to features ahead of time may land in any order.
   */
  static final List<String> SCRIPTS = List.of("V001__foundation.sql", "V002__tenant_usage.sql",
      "V003__cheaper_writes.sql", "V004__replica_sets.sql", "V005__secrets.sql", "V006__deployments.sql",
      "V007__scheduler.sql", "V008__health.sql", "V009__routes.sql", "V010__events_webhooks.sql",
      "V011__domains.sql");

  private final Pool pool;

  public Migrations(Pool pool) {
    this.pool = pool;
  }

  /** Applies what is missing; completes with the number of scripts applied. */
  public Future<Integer> migrate() {
    return pool.getConnection().compose(conn -> conn.query("SET client_min_messages = warning").execute()
        .compose(quiet -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute())
        .compose(locked -> applyMissing(conn))
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute())
        .eventually(conn::close));
  }

  /** The schema version now in the store, 0 when none. */
  public Future<Integer> currentVersion() {
    return pool.query("SELECT coalesce(max(version), 0) AS v FROM schema_migrations").execute()
        .map(rows -> rows.iterator().next().getInteger("v"))
        .recover(missing -> Future.succeededFuture(0));
  }

  /** The version of the newest script: the number in its name ({@code V009__routes.sql} is 9). */
  public static int latestVersion() {
    return versionOf(SCRIPTS.get(SCRIPTS.size() - 1));
  }

  /** How many scripts there are (versions are numbered by name, so there may be gaps while features land). */
  public static int scriptCount() {
    return SCRIPTS.size();
  }

  static int versionOf(String script) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("V(\\d+)__.+\\.sql").matcher(script);
    if (!m.matches()) {
      throw new IllegalStateException("migration " + script + " is not named V<n>__<name>.sql");
    }
    return Integer.parseInt(m.group(1));
  }

  private Future<Integer> applyMissing(SqlConnection conn) {
    return conn.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
        .execute()
        .compose(created -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger("version"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (String script : SCRIPTS) {
            int version = versionOf(script);
            if (!applied.contains(version)) {
              chain = chain.compose(count -> apply(conn, version, script).map(count + 1));
            }
          }
          return chain;
        });
  }

  private Future<Void> apply(SqlConnection conn, int version, String script) {
    LOG.info("applying migration {}", script);
    return conn.begin().compose(tx -> conn.query(read(script)).execute()
        .compose(done -> conn.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, script)))
        .compose(done -> tx.commit())
        .recover(failure -> tx.rollback().transform(rolledBack -> Future.failedFuture(
            new IllegalStateException("migration " + script + " failed: " + failure.getMessage(), failure)))));
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
  }
}
