package dev.ctrlplane.instance;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.scheduler.ScheduleStore;
import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.MultiRowStatement;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** All SQL about instances. Updates are compare-and-set on {@code version}. */
public final class InstanceStore {

  private static final MultiRowStatement INSERT = new MultiRowStatement("""
      INSERT INTO instances (id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, state,
        status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, current_release_id,
        version, created_at, updated_at) VALUES""",
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $21)", 21);
  private static final String FIND = "SELECT " + Instance.COLUMNS + " FROM instances WHERE id = $1";
  private static final String FIND_FOR_UPDATE = "SELECT " + Instance.COLUMNS + " FROM instances WHERE id = $1 FOR UPDATE";
  private static final String UPDATE = """
      UPDATE instances SET name = $3, slug = $4, image = $5, provider_ref = $6, node = $7, state = $8,
        status_message = $9, cpu_millis = $10, memory_mb = $11, disk_mb = $12, replicas = $13, ports = $14, env = $15,
        labels = $16, endpoints = $17, current_release_id = $18, suspended_at = $19, suspend_reason = $20,
        suspended_by_tenant = $21, replica_sets = $23, deployment_id = $24, version = version + 1, updated_at = $22
      WHERE id = $1 AND version = $2""";
  /** The runtime's settled states, compare-and-set per row like {@link #UPDATE}, for many instances at once. */
  private static final MultiRowStatement SETTLE = new MultiRowStatement("""
      UPDATE instances AS i SET state = v.state, status_message = v.status_message, provider_ref = v.provider_ref,
        endpoints = v.endpoints, version = i.version + 1, updated_at = v.updated_at
      FROM (VALUES""",
      "($1::text, $2::int, $3::text, $4::text, $5::text, $6::jsonb, $7::timestamptz)", 7,
      """
      ) AS v(id, version, state, status_message, provider_ref, endpoints, updated_at)
      WHERE i.id = v.id AND i.version = v.version
      RETURNING i.id""");
  private static final String LOCK_TENANT = "SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE";
  private static final String DELETE = "DELETE FROM instances WHERE id = $1";
  private static final String BY_IDS = "SELECT " + Instance.COLUMNS + " FROM instances WHERE id = ANY($1)";
  /** The whole-tenant filter's total: its first parameter is the tenant id. */
  private static final String TENANT_INSTANCES = "(SELECT used_instances FROM tenants WHERE id = $1)";
  private static final String ON_NODE = "SELECT id FROM instances WHERE node = $1";
  private static final String STUCK = "SELECT " + Instance.COLUMNS
      + " FROM instances WHERE state = ANY($1) AND updated_at < now() - $2 * interval '1 millisecond'"
      + " ORDER BY updated_at LIMIT $3";
  private static final String ON_DEAD_NODES = "SELECT " + Instance.COLUMNS
      + " FROM instances WHERE node IS NOT NULL AND NOT (node = ANY($1)) ORDER BY id LIMIT $2";
  private static final String BY_STATE = "SELECT state, count(*) AS n FROM instances GROUP BY state";
  private static final String OF_TENANT_IN_STATES =
      "SELECT " + Instance.COLUMNS + " FROM instances WHERE tenant_id = $1 AND state = ANY($2) ORDER BY id FOR UPDATE";
  private static final String SUSPENDED_WITH_TENANT = "SELECT " + Instance.COLUMNS + """
       FROM instances WHERE tenant_id = $1 AND suspended_by_tenant AND state IN ('suspended', 'suspending')
      ORDER BY id FOR UPDATE""";

  private final Pool pool;
  private final RenderedInstances renderings = new RenderedInstances();

  public InstanceStore(Pool pool) {
    this.pool = pool;
  }

  /** Inserts new instances with multi-row statements; one that breaks a constraint fails them all. */
  public Future<Void> insertAll(SqlClient sql, List<Instance> instances) {
    return INSERT.execute(sql, instances.stream().map(InstanceStore::insertRow).toList());
  }

  private static Object[] insertRow(Instance i) {
    return new Object[] {
        i.id(), i.tenantId(), i.name(), i.slug(), i.image(), i.providerName(), i.providerRef(), i.region(), i.node(),
        i.state().wire(), i.statusMessage(), i.resources().cpuMillis(), i.resources().memoryMb(),
        i.resources().diskMb(), i.resources().replicas(), portsJson(i.ports()), i.env(), i.labels(),
        endpointsJson(i.endpoints()), i.currentReleaseId(), Times.toOffset(i.createdAt())};
  }

  /** How many instances are in each state, cluster-wide (states without any are absent). */
  public Future<Map<InstanceState, Long>> countByState() {
    return pool.query(BY_STATE).execute().map(rows -> {
      Map<InstanceState, Long> counts = new java.util.EnumMap<>(InstanceState.class);
      rows.forEach(row -> InstanceState.of(row.getString("state")).ifPresent(s -> counts.put(s, row.getLong("n"))));
      return counts;
    });
  }

  public Future<Optional<Instance>> find(String id) {
    return one(pool, FIND, id);
  }

  /** Reads and row-locks the instance inside a transaction. */
  public Future<Optional<Instance>> findForUpdate(SqlClient sql, String id) {
    return one(sql, FIND_FOR_UPDATE, id);
  }

  /**
   * Writes every mutable field of {@code changed} if the stored version is still {@code changed.version()}; the
   * result is the stored instance (version + 1), or empty when another writer won. The row is not read back: every
   * column the update leaves alone is immutable, so the stored row is {@code changed} with its new version and time.
   */
  public Future<Optional<Instance>> update(SqlClient sql, Instance i) {
    Instant now = Times.now();
    return sql.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {
        i.id(), i.version(), i.name(), i.slug(), i.image(), i.providerRef(), i.node(), i.state().wire(),
        i.statusMessage(), i.resources().cpuMillis(), i.resources().memoryMb(), i.resources().diskMb(),
        i.resources().replicas(), portsJson(i.ports()), i.env(), i.labels(), endpointsJson(i.endpoints()),
        i.currentReleaseId(), Times.toOffset(i.suspendedAt()), i.suspendReason(), i.suspendedByTenant(),
        Times.toOffset(now), DesiredSet.toJson(i.replicaSets()), i.deploymentId()})).map(updated -> updated.rowCount() == 0
            ? Optional.<Instance>empty()
            : Optional.of(i.stored(i.version() + 1, now)));
  }

  /**
   * Writes the settled state (state, status message, provider ref, endpoints) of each instance whose stored version
   * is still its {@code version()}, with one statement; the result holds the stored instances of those written, by
   * id. The other columns are left as they are, so each changed instance must differ from the stored one only there.
   */
  public Future<Map<String, Instance>> settleAll(SqlClient sql, List<Instance> settled) {
    Instant now = Times.now();
    List<Object[]> rows = settled.stream().map(i -> new Object[] {
        i.id(), i.version(), i.state().wire(), i.statusMessage(), i.providerRef(), endpointsJson(i.endpoints()),
        Times.toOffset(now)}).toList();
    return SETTLE.query(sql, rows).map(returned -> {
      Set<String> written = new HashSet<>();
      returned.forEach(row -> written.add(row.getString(0)));
      Map<String, Instance> stored = new HashMap<>();
      settled.stream().filter(i -> written.contains(i.id()))
          .forEach(i -> stored.put(i.id(), i.stored(i.version() + 1, now)));
      return stored;
    });
  }

  /**
   * Deletes the instance. Its tenant's row is locked first: the usage trigger updates that row, and every writer locks
   * a tenant before its instances, so a delete that took the instance first could deadlock with them.
   */
  public Future<Void> delete(SqlClient sql, Instance i) {
    return sql.preparedQuery(LOCK_TENANT).execute(Tuple.of(i.tenantId()))
        .compose(locked -> ScheduleStore.lockInstanceItems(sql, i.id()))
        .compose(locked -> sql.preparedQuery(DELETE).execute(Tuple.of(i.id()))).mapEmpty();
  }

  /**
   * A page of instances as the API renders them. The page query reads only each row's id, version and sort key; an
   * instance whose rendering at that version is kept is not read again, the others are read in one more statement.
   * Unchanged instances, the most of any page a dashboard polls, then cost neither their JSON columns' decoding
   * here nor their output in PostgreSQL.
   */
  public Future<Page<JsonObject>> list(InstanceQuery query, PageRequest page) {
    Filter filter = new Filter()
        .andIf(query.tenantId() != null, "tenant_id = ?", query.tenantId())
        .andIf(query.state() != null, "state = ?", query.state() == null ? null : query.state().wire())
        .andIf(query.provider() != null, "provider_name = ?", query.provider());
    query.labels().forEach(label -> filter.and("labels @> ?", label));
    Future<Page<PageKey>> keys = query.wholeTenant()
        // the tenant row's counter, kept with the rows by trigger (V002), is that count without counting them
        ? Paging.page(pool, PageKey.COLUMNS, "instances", filter, page, PageKey::fromRow, PageKey::cursor,
            TENANT_INSTANCES)
        : Paging.page(pool, PageKey.COLUMNS, "instances", filter, page, PageKey::fromRow, PageKey::cursor);
    return keys.compose(found -> rendered(found.items()).map(found::withItems));
  }

  /** The renderings of the page's instances, in its order; one deleted since the page was read is left out. */
  private Future<List<JsonObject>> rendered(List<PageKey> keys) {
    List<JsonObject> kept = new ArrayList<>(keys.size());
    List<String> missing = new ArrayList<>();
    for (PageKey key : keys) {
      JsonObject json = renderings.get(key.id(), key.version());
      kept.add(json);
      if (json == null) {
        missing.add(key.id());
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(kept);
    }
    return pool.preparedQuery(BY_IDS).execute(Tuple.of(missing.toArray(String[]::new))).map(rows -> {
      Map<String, JsonObject> read = new HashMap<>();
      rows.forEach(row -> {
        Instance instance = Instance.fromRow(row);
        read.put(instance.id(), renderings.render(instance));
      });
      List<JsonObject> items = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        JsonObject json = kept.get(i) != null ? kept.get(i) : read.get(keys.get(i).id());
        if (json != null) {
          items.add(json);
        }
      }
      return items;
    });
  }

  /** What a page query reads of a row: enough to find a kept rendering, and the sort key for the cursor. */
  private record PageKey(String id, int version, Instant createdAt) {
    static final String COLUMNS = "id, version, created_at";

    static PageKey fromRow(Row row) {
      return new PageKey(row.getString(0), row.getInteger(1), row.getOffsetDateTime(2).toInstant());
    }

    Cursor cursor() {
      return new Cursor(createdAt, id);
    }
  }

  /** Row-locks and returns the tenant's instances in any of {@code states}. */
  public Future<List<Instance>> lockTenantInstances(SqlClient sql, String tenantId, List<InstanceState> states) {
    String[] names = states.stream().map(InstanceState::wire).toArray(String[]::new);
    return sql.preparedQuery(OF_TENANT_IN_STATES).execute(Tuple.of(tenantId).addArrayOfString(names)).map(InstanceStore::all);
  }

  /** Row-locks and returns the instances suspended because their tenant was. */
  public Future<List<Instance>> lockSuspendedWithTenant(SqlClient sql, String tenantId) {
    return sql.preparedQuery(SUSPENDED_WITH_TENANT).execute(Tuple.of(tenantId)).map(InstanceStore::all);
  }

  public Future<List<String>> idsOnNode(String node) {
    return pool.preparedQuery(ON_NODE).execute(Tuple.of(node)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  /** Instances in a transitional state that has not changed for {@code idle}: their work may have been lost. */
  public Future<List<Instance>> stuck(java.time.Duration idle, int limit) {
    String[] transitional = java.util.Arrays.stream(InstanceState.values()).filter(InstanceState::isTransitional)
        .map(InstanceState::wire).toArray(String[]::new);
    return pool.preparedQuery(STUCK).execute(Tuple.of(transitional, idle.toMillis(), limit)).map(InstanceStore::all);
  }

  /** Instances whose replicas belong to a node that is not among {@code alive}. */
  public Future<List<Instance>> onNodesOtherThan(List<String> alive, int limit) {
    return pool.preparedQuery(ON_DEAD_NODES).execute(Tuple.of(alive.toArray(String[]::new), limit))
        .map(InstanceStore::all);
  }

  private static Future<Optional<Instance>> one(SqlClient sql, String query, String id) {
    return sql.preparedQuery(query).execute(Tuple.of(id)).map(InstanceStore::first);
  }

  private static Optional<Instance> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Instance.fromRow(rows.iterator().next()));
  }

  private static List<Instance> all(RowSet<Row> rows) {
    List<Instance> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(Instance.fromRow(row)));
    return list;
  }

  private static JsonArray portsJson(List<PortMapping> ports) {
    return new JsonArray(ports.stream().map(PortMapping::toJson).toList());
  }

  private static JsonArray endpointsJson(List<Endpoint> endpoints) {
    return new JsonArray(endpoints.stream().map(Endpoint::toJson).toList());
  }
}
