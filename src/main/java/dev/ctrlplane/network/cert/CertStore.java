package dev.ctrlplane.network.cert;

import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL about certificates and the built-in authority's root. Keys reach the database only sealed. */
public final class CertStore {

  static final String ROOT_NAME = "root";
  static final String ROOT_PURPOSE = "ca-root-key/v1";
  static final String KEY_PURPOSE = "cert-key/v1";

  private static final String COLUMNS = "c.id, c.tenant_id, c.domain_id, d.hostname, c.issuer, c.serial, "
      + "c.not_before, c.expires_at, c.fingerprint_sha256, c.auto_renew, c.source, c.chain_pem, c.key_id, c.nonce, "
      + "c.ciphertext, c.created_at";
  private static final String ROOT = "SELECT cert_pem, key_id, nonce, ciphertext FROM certificate_authority "
      + "WHERE name = $1";
  private static final String INSERT_ROOT = """
      INSERT INTO certificate_authority (name, cert_pem, key_id, nonce, ciphertext, created_at)
      VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (name) DO NOTHING""";
  private static final String INSERT = """
      INSERT INTO certificates (id, tenant_id, domain_id, issuer, serial, not_before, expires_at, fingerprint_sha256,
        auto_renew, source, chain_pem, key_id, nonce, ciphertext, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""";
  private static final String DELETE_OTHERS = "DELETE FROM certificates WHERE domain_id = $1 AND id <> $2";
  private static final String CURRENT = "SELECT " + COLUMNS + " FROM certificates c JOIN domains d ON d.id = "
      + "c.domain_id WHERE c.domain_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT 1";
  private static final String SERVED = "SELECT " + COLUMNS + ", d.instance_id FROM certificates c JOIN domains d "
      + "ON d.id = c.domain_id WHERE d.verified AND d.tls_enabled";
  private static final String SERVED_OF_DOMAIN = SERVED + " AND d.id = $1 ORDER BY c.created_at DESC LIMIT 1";
  private static final String DUE = "SELECT " + COLUMNS + ", c.renew_failures, c.expiring_noticed FROM certificates c "
      + "JOIN domains d ON d.id = c.domain_id WHERE c.auto_renew AND d.verified AND c.expires_at < $1 "
      + "ORDER BY c.expires_at LIMIT $2";
  private static final String FAILED = """
      UPDATE certificates SET renew_failures = renew_failures + 1,
        expiring_noticed = CASE WHEN $2 THEN now() ELSE expiring_noticed END
      WHERE id = $1 RETURNING renew_failures""";

  /** The root as stored: its certificate and its sealed key. */
  record StoredRoot(String pem, Sealed sealed) {}

  /** A certificate due for renewal, with how often renewing it failed so far. */
  public record Due(Certificate cert, int failures, Instant expiringNoticed) {}

  /** A served certificate and the instance of its domain. */
  public record Served(Certificate cert, String instanceId) {}

  private final Pool pool;

  public CertStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<StoredRoot>> root() {
    return pool.preparedQuery(ROOT).execute(Tuple.of(ROOT_NAME)).map(rows -> {
      if (!rows.iterator().hasNext()) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new StoredRoot(r.getString(0), sealed(r, 1)));
    });
  }

  /** Stores the root unless another node stored one first (then that one wins). */
  Future<Void> insertRoot(String pem, Sealed key) {
    return pool.preparedQuery(INSERT_ROOT).execute(Tuple.of(ROOT_NAME, pem, key.keyId(), Buffer.buffer(key.nonce()),
        Buffer.buffer(key.ciphertext()))).mapEmpty();
  }

  /** Inserts the certificate and deletes the domain's others: a domain has one current certificate. */
  public Future<Void> replace(SqlClient sql, Certificate c) {
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {c.id(), c.tenantId(), c.domainId(), c.issuer(),
        c.serial(), Times.toOffset(c.notBefore()), Times.toOffset(c.expiresAt()), c.fingerprintSha256(),
        c.autoRenew(), c.source(), c.chainPem(), c.key().keyId(), Buffer.buffer(c.key().nonce()),
        Buffer.buffer(c.key().ciphertext()), Times.toOffset(c.createdAt())}))
        .compose(inserted -> sql.preparedQuery(DELETE_OTHERS).execute(Tuple.of(c.domainId(), c.id())))
        .mapEmpty();
  }

  public Future<Optional<Certificate>> current(SqlClient sql, String domainId) {
    return sql.preparedQuery(CURRENT).execute(Tuple.of(domainId))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(of(rows.iterator().next())) : Optional.empty());
  }

  public Future<Optional<Certificate>> current(String domainId) {
    return current(pool, domainId);
  }

  /** Every certificate the edge serves: of verified domains with TLS enabled. */
  public Future<List<Served>> served() {
    return pool.preparedQuery(SERVED).execute().map(CertStore::served);
  }

  /** The one certificate the edge serves for the domain, if any. */
  public Future<Optional<Served>> served(String domainId) {
    return pool.preparedQuery(SERVED_OF_DOMAIN).execute(Tuple.of(domainId))
        .map(rows -> served(rows).stream().findFirst());
  }

  /** Certificates with auto_renew of verified domains that expire before {@code before}, soonest first. */
  public Future<List<Due>> due(Instant before, int limit) {
    return pool.preparedQuery(DUE).execute(Tuple.of(Times.toOffset(before), limit)).map(rows -> {
      List<Due> all = new ArrayList<>();
      for (Row r : rows) {
        all.add(new Due(of(r), r.getInteger(16), r.getOffsetDateTime(17) == null ? null
            : r.getOffsetDateTime(17).toInstant()));
      }
      return all;
    });
  }

  /** Counts a failed renewal; {@code noticed}: a cert.expiring is emitted now. Completes with the failures so far. */
  public Future<Integer> renewalFailed(SqlClient sql, String id, boolean noticed) {
    return sql.preparedQuery(FAILED).execute(Tuple.of(id, noticed))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : 0);
  }

  private static List<Served> served(RowSet<Row> rows) {
    List<Served> all = new ArrayList<>();
    rows.forEach(r -> all.add(new Served(of(r), r.getString(16))));
    return all;
  }

  private static Certificate of(Row r) {
    return new Certificate(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        r.getString(5), r.getOffsetDateTime(6).toInstant(), r.getOffsetDateTime(7).toInstant(), r.getString(8),
        r.getBoolean(9), r.getString(10), r.getString(11), sealed(r, 12), r.getOffsetDateTime(15).toInstant());
  }

  private static Sealed sealed(Row r, int from) {
    return new Sealed(r.getString(from), r.getBuffer(from + 1).getBytes(), r.getBuffer(from + 2).getBytes());
  }
}
