package dev.ctrlplane.secrets;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

/**
 * All SQL about secrets. Only sealed values ever reach the database. Writers lock the tenant row before calling in
 * (the usage trigger of V004 updates it), then the instance and the secret rows.
 */
public final class SecretStore {

  private static final String META = "id, tenant_id, instance_id, key, type, version, created_at, updated_at";
  private static final String ALL = META + ", key_id, nonce, ciphertext";

  private static final String INSTANCE_TENANT = "SELECT tenant_id FROM instances WHERE id = $1";
  /** Keeps the instance from being deleted until the write commits (the share lock its foreign key takes anyway). */
  private static final String LOCK_INSTANCE = "SELECT tenant_id FROM instances WHERE id = $1 FOR KEY SHARE";
  private static final String FIND_FOR_UPDATE =
      "SELECT " + ALL + " FROM secrets WHERE instance_id = $1 AND key = $2 FOR UPDATE";
  /** A file key that would be a directory of the new one, or lie inside it. */
  private static final String FILE_CLASH = """
      SELECT key FROM secrets WHERE instance_id = $1 AND type = 'file'
        AND (starts_with($2, key || '/') OR starts_with(key, $2 || '/'))
      LIMIT 1""";
  private static final String INSERT = """
      INSERT INTO secrets (id, tenant_id, instance_id, key, type, version, key_id, nonce, ciphertext, created_at,
                           updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)""";
  private static final String UPDATE = """
      UPDATE secrets SET version = $3, key_id = $4, nonce = $5, ciphertext = $6, updated_at = $7
      WHERE id = $1 AND version = $2""";
  private static final String DELETE = "DELETE FROM secrets WHERE instance_id = $1 AND key = $2 RETURNING " + META;
  private static final String LIST = "SELECT " + META + " FROM secrets WHERE instance_id = $1 ORDER BY key";
  private static final String SEALED_OF_INSTANCE =
      "SELECT " + ALL + " FROM secrets WHERE instance_id = $1 ORDER BY key";
  private static final String NOT_SEALED_WITH = """
      SELECT %s FROM secrets WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3""".formatted(ALL);
  private static final String NOT_SEALED_WITH_AMONG =
      "SELECT " + ALL + " FROM secrets WHERE key_id <> $1 AND id = ANY($2) ORDER BY id";
  private static final String COUNT_SEALED_WITH = "SELECT count(*) FROM secrets WHERE key_id = $1";
  private static final String COUNT_NOT_SEALED_WITH = "SELECT count(*) FROM secrets WHERE key_id <> $1";
  /** A re-seal, compare-and-set on the very ciphertext read: a set (new version) or another re-seal wins over it. */
  private static final String RESEAL = """
      UPDATE secrets SET key_id = $3, nonce = $4, ciphertext = $5
      WHERE id = $1 AND version = $2 AND nonce = $6""";

  private final Pool pool;

  public SecretStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** The tenant of the instance, if the instance exists. */
  Future<Optional<String>> instanceTenant(String instanceId) {
    return pool.preparedQuery(INSTANCE_TENANT).execute(Tuple.of(instanceId)).map(SecretStore::tenantOf);
  }

  /** Share-locks the instance row; empty when the instance is gone. */
  Future<Optional<String>> lockInstance(SqlClient sql, String instanceId) {
    return sql.preparedQuery(LOCK_INSTANCE).execute(Tuple.of(instanceId)).map(SecretStore::tenantOf);
  }

  Future<Optional<StoredSecret>> findForUpdate(SqlClient sql, String instanceId, String key) {
    return sql.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(instanceId, key))
        .map(rows -> all(rows).stream().findFirst());
  }

  /** A stored file key that cannot coexist with {@code key} (one would be a directory of the other). */
  Future<Optional<String>> fileClash(SqlClient sql, String instanceId, String key) {
    return sql.preparedQuery(FILE_CLASH).execute(Tuple.of(instanceId, key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<Void> insert(SqlClient sql, StoredSecret secret) {
    SecretMetadata m = secret.meta();
    Sealed s = secret.sealed();
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
        m.id(), m.tenantId(), m.instanceId(), m.key(), m.type().wire(), m.version(), s.keyId(),
        Buffer.buffer(s.nonce()), Buffer.buffer(s.ciphertext()), Times.toOffset(m.createdAt())}))
        .<Void>mapEmpty()
        .recover(failure -> instanceGone(failure, m.instanceId()));
  }

  /** Writes {@code next} over the row at {@code previousVersion}; false when another writer changed it first. */
  Future<Boolean> update(SqlClient sql, StoredSecret next, int previousVersion) {
    SecretMetadata m = next.meta();
    Sealed s = next.sealed();
    return sql.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {
        m.id(), previousVersion, m.version(), s.keyId(), Buffer.buffer(s.nonce()), Buffer.buffer(s.ciphertext()),
        Times.toOffset(m.updatedAt())})).map(done -> done.rowCount() == 1);
  }

  /** Deletes the secret; its metadata as it was, or empty when there was none. */
  Future<Optional<SecretMetadata>> delete(SqlClient sql, String instanceId, String key) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(instanceId, key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(metaOf(rows.iterator().next())));
  }

  Future<List<SecretMetadata>> list(String instanceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(instanceId)).map(rows -> {
      List<SecretMetadata> list = new ArrayList<>(rows.size());
      rows.forEach(row -> list.add(metaOf(row)));
      return list;
    });
  }

  /** Every secret of the instance, sealed, by key. */
  Future<List<StoredSecret>> sealedOf(String instanceId) {
    return pool.preparedQuery(SEALED_OF_INSTANCE).execute(Tuple.of(instanceId)).map(SecretStore::all);
  }

  /** Up to {@code limit} secrets not sealed with {@code keyId}, in id order after {@code afterId}. */
  Future<List<StoredSecret>> notSealedWith(String keyId, String afterId, int limit) {
    return pool.preparedQuery(NOT_SEALED_WITH).execute(Tuple.of(keyId, afterId, limit)).map(SecretStore::all);
  }

  /** Those of {@code ids} still not sealed with {@code keyId}, in id order. */
  Future<List<StoredSecret>> notSealedWithAmong(String keyId, List<String> ids) {
    return pool.preparedQuery(NOT_SEALED_WITH_AMONG)
        .execute(Tuple.of(keyId).addArrayOfString(ids.toArray(String[]::new)))
        .map(SecretStore::all);
  }

  Future<Long> countSealedWith(String keyId) {
    return pool.preparedQuery(COUNT_SEALED_WITH).execute(Tuple.of(keyId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Long> countNotSealedWith(String keyId) {
    return pool.preparedQuery(COUNT_NOT_SEALED_WITH).execute(Tuple.of(keyId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Re-seals each of {@code was} as the matching {@code now}, each row compare-and-set on the ciphertext read, in one
   * round trip and in id order (so two rotations lock rows in the same order). The result says, per row, whether it
   * was written.
   */
  Future<List<Boolean>> reseal(List<StoredSecret> was, List<Sealed> now) {
    List<Tuple> batch = new ArrayList<>(was.size());
    for (int i = 0; i < was.size(); i++) {
      StoredSecret old = was.get(i);
      Sealed fresh = now.get(i);
      batch.add(Tuple.from(new Object[] {old.meta().id(), old.meta().version(), fresh.keyId(),
          Buffer.buffer(fresh.nonce()), Buffer.buffer(fresh.ciphertext()), Buffer.buffer(old.sealed().nonce())}));
    }
    return pool.preparedQuery(RESEAL).executeBatch(batch).map(results -> {
      List<Boolean> written = new ArrayList<>(was.size());
      for (RowSet<Row> result = results; result != null; result = result.next()) {
        written.add(result.rowCount() == 1);
      }
      return written;
    });
  }

  private static Optional<String> tenantOf(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0));
  }

  private static List<StoredSecret> all(RowSet<Row> rows) {
    List<StoredSecret> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(new StoredSecret(metaOf(row), new Sealed(row.getString("key_id"),
        row.getBuffer("nonce").getBytes(), row.getBuffer("ciphertext").getBytes()))));
    return list;
  }

  private static SecretMetadata metaOf(Row row) {
    return new SecretMetadata(row.getString("id"), row.getString("tenant_id"), row.getString("instance_id"),
        row.getString("key"), SecretType.of(row.getString("type")).orElseThrow(), row.getInteger("version"),
        instant(row, "created_at"), instant(row, "updated_at"));
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column).toInstant();
  }

  /** The instance went between the lock and the insert (its delete cascades to its secrets). */
  private static Future<Void> instanceGone(Throwable failure, String instanceId) {
    if (failure instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.notFound("instance", instanceId));
    }
    return Future.failedFuture(failure);
  }
}
