package dev.ctrlplane.network.domain;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL about domains (the certificates' is {@code CertStore}'s). Writers lock the tenant row first (V011). */
public final class DomainStore {

  private static final String INSTANCE_TENANT = "SELECT tenant_id FROM instances WHERE id = $1";
  /** Keeps the instance from being deleted until the write commits. */
  private static final String LOCK_INSTANCE = "SELECT tenant_id FROM instances WHERE id = $1 FOR KEY SHARE";
  private static final String INSERT = """
      INSERT INTO domains (id, tenant_id, instance_id, hostname, tls_enabled, verified, challenge, verified_at,
                           created_at)
      VALUES ($1, $2, $3, $4, $5, false, $6, NULL, $7)""";
  private static final String FIND = "SELECT " + Domain.COLUMNS + " FROM domains d WHERE d.id = $1";
  private static final String LOCK = "SELECT " + Domain.COLUMNS + " FROM domains d WHERE d.id = $1 FOR UPDATE OF d";
  private static final String LIST = "SELECT " + Domain.COLUMNS
      + " FROM domains d WHERE d.instance_id = $1 ORDER BY d.created_at, d.id";
  private static final String DELETE = "DELETE FROM domains d WHERE d.id = $1 RETURNING d.id, d.tenant_id, "
      + "d.instance_id, d.hostname, d.tls_enabled, d.verified, d.challenge, d.verified_at, d.created_at, NULL";
  private static final String MARK_VERIFIED = "UPDATE domains d SET verified = true, verified_at = $2 "
      + "WHERE d.id = $1 AND NOT d.verified RETURNING " + Domain.COLUMNS;
  /** A verified domain of the tenant, share-locked so that its deletion waits for the route write that names it. */
  private static final String LOCK_VERIFIED_OF_TENANT =
      "SELECT id FROM domains WHERE hostname = $1 AND tenant_id = $2 AND verified FOR SHARE";
  private static final String ALL_VERIFIED =
      "SELECT id, tenant_id, instance_id, hostname, tls_enabled FROM domains WHERE verified";

  /** A verified domain as the edge needs it. */
  public record Served(String id, String tenantId, String instanceId, String hostname, boolean tlsEnabled) {}

  private final Pool pool;

  public DomainStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<String>> instanceTenant(String instanceId) {
    return pool.preparedQuery(INSTANCE_TENANT).execute(Tuple.of(instanceId)).map(DomainStore::firstString);
  }

  public Future<Boolean> lockInstance(SqlClient sql, String instanceId) {
    return sql.preparedQuery(LOCK_INSTANCE).execute(Tuple.of(instanceId)).map(rows -> rows.size() > 0);
  }

  /** Inserts the domain; 409 {@code already_exists} when its hostname is taken, by anyone. */
  public Future<Void> insert(SqlClient sql, Domain d) {
    return sql.preparedQuery(INSERT).execute(Tuple.of(d.id(), d.tenantId(), d.instanceId(), d.hostname(),
        d.tlsEnabled(), d.challenge(), Times.toOffset(d.createdAt())))
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(ApiException.alreadyExists("hostname " + d.hostname() + " is already in use"))
            : Future.failedFuture(failure));
  }

  public Future<Optional<Domain>> find(String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(DomainStore::first);
  }

  public Future<Optional<Domain>> lock(SqlClient sql, String id) {
    return sql.preparedQuery(LOCK).execute(Tuple.of(id)).map(DomainStore::first);
  }

  public Future<List<Domain>> list(String instanceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(instanceId)).map(rows -> {
      List<Domain> all = new ArrayList<>();
      rows.forEach(row -> all.add(Domain.fromRow(row)));
      return all;
    });
  }

  /** Deletes the domain (its certificates go with it); empty when it was gone. */
  public Future<Optional<Domain>> delete(SqlClient sql, String id) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(id)).map(DomainStore::first);
  }

  /** Marks the domain verified; empty when it is gone or was verified already (by another node's check). */
  public Future<Optional<Domain>> markVerified(SqlClient sql, String id, Instant at) {
    return sql.preparedQuery(MARK_VERIFIED).execute(Tuple.of(id, Times.toOffset(at))).map(DomainStore::first);
  }

  /** Whether {@code hostname} is a verified domain of the tenant; share-locks it until the transaction ends. */
  public Future<Boolean> lockVerifiedOfTenant(SqlClient sql, String tenantId, String hostname) {
    return sql.preparedQuery(LOCK_VERIFIED_OF_TENANT).execute(Tuple.of(hostname, tenantId))
        .map(rows -> rows.size() > 0);
  }

  /** Every verified domain: what the edge serves. */
  public Future<List<Served>> allVerified() {
    return pool.preparedQuery(ALL_VERIFIED).execute().map(rows -> {
      List<Served> all = new ArrayList<>();
      rows.forEach(r -> all.add(new Served(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
          r.getBoolean(4))));
      return all;
    });
  }

  private static Optional<Domain> first(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Optional.of(Domain.fromRow(rows.iterator().next())) : Optional.empty();
  }

  private static Optional<String> firstString(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Optional.ofNullable(rows.iterator().next().getString(0)) : Optional.empty();
  }
}
