package dev.ctrlplane.network;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL of the network feature: routes, and what the edge's routing table reads of instances and tenants. */
public final class RouteStore {

  private static final String INSTANCE_REF = """
      SELECT i.id, i.tenant_id, i.slug, i.ports, t.slug FROM instances i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.id = $1""";
  /** Keeps the instance from being deleted until the write commits. */
  private static final String LOCK_INSTANCE = "SELECT id FROM instances WHERE id = $1 FOR KEY SHARE";
  private static final String COUNT = "SELECT count(*) FROM routes WHERE instance_id = $1";
  private static final String INSERT = "INSERT INTO routes (" + Route.COLUMNS + """
      ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";
  private static final String FIND = "SELECT " + Route.COLUMNS + " FROM routes WHERE id = $1";
  private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";
  private static final String UPDATE = """
      UPDATE routes SET path = $3, port = $4, protocol = $5, weight = $6, strip_prefix = $7, hostname = $8,
        version = $9, updated_at = $10
      WHERE id = $1 AND version = $2""";
  private static final String DELETE = "DELETE FROM routes WHERE id = $1 RETURNING " + Route.COLUMNS;
  private static final String LIST = "SELECT " + Route.COLUMNS + " FROM routes WHERE instance_id = $1 ORDER BY created_at, id";
  private static final String ALL = "SELECT " + Route.COLUMNS + " FROM routes";
  private static final String ALL_INSTANCES = """
      SELECT i.id, i.tenant_id, i.slug, i.ports, i.endpoints, i.state, i.version, i.node, t.slug
      FROM instances i JOIN tenants t ON t.id = i.tenant_id""";
  private static final String TENANT_SLUG = "SELECT slug FROM tenants WHERE id = $1";
  private static final String DELETE_NAMING =
      "DELETE FROM routes WHERE tenant_id = $1 AND hostname = $2 RETURNING " + Route.COLUMNS;

  /** The instance a route call names: its tenant, ports and the two slugs of its default host. */
  public record InstanceRef(String id, String tenantId, String slug, List<PortMapping> ports, String tenantSlug) {}

  /** An instance as the routing table needs it. */
  public record InstanceRow(String id, String tenantId, String slug, List<PortMapping> ports, List<Endpoint> endpoints,
      String state, int version, String node, String tenantSlug) {}

  private final Pool pool;

  public RouteStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<InstanceRef>> instance(String id) {
    return pool.preparedQuery(INSTANCE_REF).execute(Tuple.of(id)).map(rows -> {
      if (!rows.iterator().hasNext()) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new InstanceRef(r.getString(0), r.getString(1), r.getString(2), ports(r.getValue(3)),
          r.getString(4)));
    });
  }

  public Future<Boolean> lockInstance(SqlClient sql, String instanceId) {
    return sql.preparedQuery(LOCK_INSTANCE).execute(Tuple.of(instanceId)).map(rows -> rows.size() > 0);
  }

  public Future<Long> count(SqlClient sql, String instanceId) {
    return sql.preparedQuery(COUNT).execute(Tuple.of(instanceId)).map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Void> insert(SqlClient sql, Route r) {
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {r.id(), r.tenantId(), r.instanceId(), r.path(),
        r.port(), r.protocol(), r.weight(), r.stripPrefix(), r.hostname(), r.version(), Times.toOffset(r.createdAt()),
        Times.toOffset(r.updatedAt())}))
        .recover(RouteStore::clash).mapEmpty();
  }

  public Future<Optional<Route>> find(SqlClient sql, String id, boolean forUpdate) {
    return sql.preparedQuery(forUpdate ? FIND_FOR_UPDATE : FIND).execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(Route.fromRow(rows.iterator().next())) : Optional.empty());
  }

  public Future<Optional<Route>> find(String id) {
    return find(pool, id, false);
  }

  /** Compare-and-set on {@code expectedVersion}; false when another writer came first. */
  public Future<Boolean> update(SqlClient sql, Route r, int expectedVersion) {
    return sql.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {r.id(), expectedVersion, r.path(), r.port(),
        r.protocol(), r.weight(), r.stripPrefix(), r.hostname(), r.version(), Times.toOffset(r.updatedAt())}))
        .recover(RouteStore::clash).map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<Route>> delete(SqlClient sql, String id) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(Route.fromRow(rows.iterator().next())) : Optional.empty());
  }

  /** Deletes the tenant's routes that name {@code hostname} (its domain is being deleted); the routes as they were. */
  public Future<List<Route>> deleteNaming(SqlClient sql, String tenantId, String hostname) {
    return sql.preparedQuery(DELETE_NAMING).execute(Tuple.of(tenantId, hostname)).map(RouteStore::routes);
  }

  public Future<List<Route>> list(String instanceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(instanceId)).map(RouteStore::routes);
  }

  /** Every route: what a node's routing table starts from. */
  public Future<List<Route>> all() {
    return pool.preparedQuery(ALL).execute().map(RouteStore::routes);
  }

  /** Every instance with its tenant's slug: the other half of the routing table. */
  public Future<List<InstanceRow>> allInstances() {
    return pool.preparedQuery(ALL_INSTANCES).execute().map(rows -> {
      List<InstanceRow> all = new ArrayList<>();
      for (Row r : rows) {
        all.add(new InstanceRow(r.getString(0), r.getString(1), r.getString(2), ports(r.getValue(3)),
            endpoints(r.getValue(4)), r.getString(5), r.getInteger(6), r.getString(7), r.getString(8)));
      }
      return all;
    });
  }

  public Future<Optional<String>> tenantSlug(String tenantId) {
    return pool.preparedQuery(TENANT_SLUG).execute(Tuple.of(tenantId))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getString(0)) : Optional.empty());
  }

  private static List<Route> routes(Iterable<Row> rows) {
    List<Route> all = new ArrayList<>();
    rows.forEach(row -> all.add(Route.fromRow(row)));
    return all;
  }

  static List<PortMapping> ports(Object value) {
    JsonArray array = value instanceof JsonArray a ? a : new JsonArray();
    return array.stream().map(o -> PortMapping.fromJson((JsonObject) o)).toList();
  }

  static List<Endpoint> endpoints(Object value) {
    JsonArray array = value instanceof JsonArray a ? a : new JsonArray();
    return array.stream().map(o -> Endpoint.fromJson((JsonObject) o)).toList();
  }

  private static <T> Future<T> clash(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.alreadyExists(
          "the instance already has a route for that hostname and path"));
    }
    return Future.failedFuture(failure);
  }
}
