package dev.ctrlplane.audit;

import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** One transaction-scoped advisory lock per chain, taken in the array's order (unnest keeps it). */
  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(hashtextextended('audit:' || chain, 0)) FROM unnest($1::text[]) AS chain";
  private static final String HEADS_OF_TENANTS = """
      SELECT chain, (SELECT hash FROM audit_log WHERE tenant_id = chain ORDER BY seq DESC LIMIT 1)
      FROM unnest($1::text[]) AS chain""";
  private static final String HEAD_OF_SYSTEM =
      "SELECT '-', (SELECT hash FROM audit_log WHERE tenant_id IS NULL ORDER BY seq DESC LIMIT 1)";
  private static final MultiRowStatement INSERT = new MultiRowStatement("""
      INSERT INTO audit_log (id, tenant_id, actor_id, resource, resource_id, action, outcome, request_id, ip_address,
                             details, created_at, prev_hash, hash) VALUES""",
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", 13);

  private AuditLog() {}

  /**
   * Writes the entries in {@code conn}'s transaction, in three statements whatever their number: lock every chain
   * they extend, read the chains' heads, insert the entries chained on. The heads are read right behind the locks,
   * in the same round trip: PostgreSQL runs the read once the locks are held, with a snapshot taken then, so it sees
   * every entry committed by the previous holders.
   */
  public static Future<Void> append(SqlConnection conn, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    // the chains in a fixed order, so two transactions never wait on each other's locks in a cycle
    Map<String, List<AuditEntry>> byChain = entries.stream()
        .collect(Collectors.groupingBy(e -> chainOf(e.tenantId()), TreeMap::new, Collectors.toList()));
    String[] chains = byChain.keySet().toArray(String[]::new);
    Future<?> locked = conn.preparedQuery(LOCK).execute(Tuple.of(chains));
    Future<Map<String, String>> heads = heads(conn, byChain.keySet());
    return locked.compose(held -> heads).compose(head -> {
      List<Object[]> rows = new ArrayList<>(entries.size());
      byChain.forEach((chain, chained) -> {
        String prev = head.getOrDefault(chain, GENESIS);
        for (AuditEntry entry : chained) {
          String hash = hash(prev, entry);
          rows.add(toRow(entry, prev, hash));
          prev = hash;
        }
      });
      return INSERT.execute(conn, rows);
    });
  }

  /** The last hash of each chain; a chain without entries yet is absent. */
  private static Future<Map<String, String>> heads(SqlConnection conn, Set<String> chains) {
    String[] tenants = chains.stream().filter(c -> !SYSTEM_CHAIN.equals(c)).toArray(String[]::new);
    List<Future<RowSet<Row>>> reads = new ArrayList<>();
    if (tenants.length > 0) {
      reads.add(conn.preparedQuery(HEADS_OF_TENANTS).execute(Tuple.of(tenants)));
    }
    if (chains.contains(SYSTEM_CHAIN)) {
      reads.add(conn.preparedQuery(HEAD_OF_SYSTEM).execute());
    }
    return Future.all(reads).map(all -> {
      Map<String, String> heads = new HashMap<>();
      for (Future<RowSet<Row>> read : reads) {
        read.result().forEach(row -> {
          if (row.getString(1) != null) {
            heads.put(row.getString(0), row.getString(1));
          }
        });
      }
      return heads;
    });
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

  private static Object[] toRow(AuditEntry e, String prev, String hash) {
    return new Object[] {
        e.id(), e.tenantId(), e.actorId(), e.resource(), e.resourceId(), e.action(), e.outcome(), e.requestId(),
        e.ipAddress(), e.details(), Times.toOffset(e.createdAt()), prev, hash};
  }

  private static String nullable(String value) {
    return value == null ? "\u0000" : value;
  }
}
