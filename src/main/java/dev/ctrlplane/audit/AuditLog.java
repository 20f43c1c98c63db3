package dev.ctrlplane.audit;

import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Appends audit entries inside the caller's transaction, chaining each tenant's entries by hash. A transaction-scoped
 * advisory lock per tenant chain orders concurrent appends, so the chain has no forks.
 */
public final class AuditLog {

  /** The chain of entries that belong to no tenant (operator actions on the installation). */
  static final String SYSTEM_CHAIN = "-";
  static final String GENESIS = "0".repeat(64);

  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
  private static final String LAST_OF_TENANT =
      "SELECT hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1";
  private static final String LAST_OF_SYSTEM =
      "SELECT hash FROM audit_log WHERE tenant_id IS NULL ORDER BY seq DESC LIMIT 1";
  private static final String INSERT = """
      INSERT INTO audit_log (id, tenant_id, actor_id, resource, resource_id, action, outcome, request_id, ip_address,
                             details, created_at, prev_hash, hash)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""";

  private AuditLog() {}

  /** Writes the entries in {@code conn}'s transaction. */
  public static Future<Void> append(SqlConnection conn, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    // one chain at a time, in a fixed order, so two transactions never wait on each other's locks in a cycle
    Map<String, List<AuditEntry>> byChain = new TreeMap<>(entries.stream()
        .collect(Collectors.groupingBy(e -> chainOf(e.tenantId()))));
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<AuditEntry>> group : byChain.entrySet()) {
      chain = chain.compose(v -> appendToChain(conn, group.getKey(), group.getValue()));
    }
    return chain;
  }

  /**
   * The chain head is read right behind the lock, in the same round trip: PostgreSQL runs the read once the lock is
   * held, with a snapshot taken then, so it sees every entry committed by the previous holder.
   */
  private static Future<Void> appendToChain(SqlConnection conn, String chain, List<AuditEntry> entries) {
    Future<?> locked = conn.preparedQuery(LOCK).execute(Tuple.of("audit:" + chain));
    Future<String> head = lastHash(conn, chain);
    return locked.compose(held -> head)
        .compose(previous -> {
          List<Tuple> rows = new java.util.ArrayList<>();
          String prev = previous;
          for (AuditEntry entry : entries) {
            String hash = hash(prev, entry);
            rows.add(toRow(entry, prev, hash));
            prev = hash;
          }
          return conn.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
        });
  }

  static Future<String> lastHash(SqlConnection conn, String chain) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = SYSTEM_CHAIN.equals(chain)
        ? conn.preparedQuery(LAST_OF_SYSTEM).execute()
        : conn.preparedQuery(LAST_OF_TENANT).execute(Tuple.of(chain));
    return rows.map(set -> set.size() == 0 ? GENESIS : set.iterator().next().getString("hash"));
  }

  static String chainOf(String tenantId) {
    return tenantId == null ? SYSTEM_CHAIN : tenantId;
  }

  /** sha256 over the previous hash and every field of the entry, in a fixed order and encoding. */
  static String hash(String previous, AuditEntry e) {
    String material = String.join("\u001f", previous, e.id(), nullable(e.tenantId()), nullable(e.actorId()),
        e.resource(), nullable(e.resourceId()), e.action(), e.outcome(), nullable(e.requestId()),
        nullable(e.ipAddress()), CanonicalJson.encode(e.details()), Times.format(e.createdAt()),
        Long.toString(e.createdAt().getNano() / 1000));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(material.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e1) {
      throw new IllegalStateException("SHA-256 is always available", e1);
    }
  }

  private static Tuple toRow(AuditEntry e, String prev, String hash) {
    return Tuple.from(new Object[] {
        e.id(), e.tenantId(), e.actorId(), e.resource(), e.resourceId(), e.action(), e.outcome(), e.requestId(),
        e.ipAddress(), e.details(), Times.toOffset(e.createdAt()), prev, hash});
  }

  private static String nullable(String value) {
    return value == null ? "\u0000" : value;
  }
}
