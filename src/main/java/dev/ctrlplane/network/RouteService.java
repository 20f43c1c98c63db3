package dev.ctrlplane.network;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.network.domain.DomainStore;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Route commands and queries (SPEC §8). A route's port must be one of its instance's container ports, and its
 * hostname one the tenant owns: its own subtree of the edge's base domain ({@code *.<tenant-slug>.<base>}) or one of
 * its verified domains (of any of its instances: routes of several instances on one hostname split its traffic). Each write stores the route, its {@code route.*} event and its audit
 * entry in one transaction; every node's routing table follows the events.
 */
public final class RouteService {

  static final String RESOURCE = "route";
  static final int MAX_ROUTES_PER_INSTANCE = 50;

  private final RouteStore store;
  private final DomainStore domains;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final String baseDomain;

  public RouteService(RouteStore store, DomainStore domains, Transactions transactions, Tenancy tenancy,
      String baseDomain) {
    this.store = store;
    this.domains = domains;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.baseDomain = baseDomain;
  }

  public Future<JsonObject> add(Call call) {
    RouteInput input = RouteInput.from(Envelope.body(call), true);
    return visibleInstance(call, Envelope.id(call)).compose(instance -> {
      int port = portOf(instance, input.port());
      Instant now = Times.now();
      return transactions.run(call, tx -> tenancy.requireActive(tx.sql(), instance.tenantId())
          .compose(active -> store.lockInstance(tx.sql(), instance.id()))
          .compose(there -> there
              ? store.count(tx.sql(), instance.id())
              : Future.failedFuture(ApiException.notFound("instance", instance.id())))
          .compose(count -> count >= MAX_ROUTES_PER_INSTANCE
              ? Future.failedFuture(ApiException.invalid("an instance has at most " + MAX_ROUTES_PER_INSTANCE
                  + " routes"))
              : ownedHost(tx, instance, input.hostname().flatMap(h -> h).orElse(null)))
          .compose(hostname -> {
            Route route = new Route(TypeId.generate("rte"), instance.tenantId(), instance.id(),
                input.path().orElseThrow(), port, input.protocol().orElse("http"), input.weight().orElse(100),
                input.stripPrefix().orElse(false), hostname, 1, now, now);
            return store.insert(tx.sql(), route).map(inserted -> recorded(tx, route, EventType.ROUTE_ADDED,
                "create"));
          }));
    });
  }

  /** The instance's routes, oldest first; {@code []} when it has none. */
  public Future<JsonArray> list(Call call) {
    return visibleInstance(call, Envelope.id(call)).compose(instance -> store.list(instance.id()))
        .map(all -> new JsonArray(all.stream().map(Route::toJson).toList()));
  }

  /** Changes the fields present; {@code If-Match} honoured (412). */
  public Future<JsonObject> update(Call call) {
    RouteInput input = RouteInput.from(Envelope.body(call), false);
    return visibleRoute(call).compose(seen -> visibleInstance(call, seen.instanceId()).compose(instance ->
        transactions.run(call, tx -> tenancy.requireActive(tx.sql(), seen.tenantId())
            .compose(active -> store.find(tx.sql(), seen.id(), true))
            .compose(found -> {
              Route was = found.orElseThrow(() -> ApiException.notFound(RESOURCE, seen.id()));
              Envelope.ifMatch(call).ifPresent(m -> m.require(RESOURCE, was.id(), was.version()));
              int port = portOf(instance, Optional.of(input.port().orElse(was.port())));
              Future<String> host = input.hostname().isPresent()
                  ? ownedHost(tx, instance, input.hostname().get().orElse(null))
                  : Future.succeededFuture(was.hostname());
              return host.compose(hostname -> {
                Route next = was.changed(input.path().orElse(was.path()), port, input.protocol().orElse(was.protocol()),
                    input.weight().orElse(was.weight()), input.stripPrefix().orElse(was.stripPrefix()), hostname,
                    Times.now());
                return store.update(tx.sql(), next, was.version()).map(written -> {
                  if (!written) {
                    throw ApiException.conflict("route " + was.id() + " was changed concurrently; retry");
                  }
                  return recorded(tx, next, EventType.ROUTE_UPDATED, "update");
                });
              });
            }))));
  }

  public Future<Void> delete(Call call) {
    return visibleRoute(call).compose(seen -> transactions.run(call, tx ->
        tenancy.requireActive(tx.sql(), seen.tenantId())
            .compose(active -> store.delete(tx.sql(), seen.id()))
            .map(deleted -> {
              Route gone = deleted.orElseThrow(() -> ApiException.notFound(RESOURCE, seen.id()));
              recorded(tx, gone, EventType.ROUTE_REMOVED, "delete");
              return null;
            })));
  }

  private JsonObject recorded(Tx tx, Route route, EventType type, String action) {
    JsonObject json = route.toJson();
    tx.emit(type, route.tenantId(), route.instanceId(), route.id(), json);
    tx.audit(route.tenantId(), RESOURCE, route.id(), action, json.copy());
    return json;
  }

  private static int portOf(RouteStore.InstanceRef instance, Optional<Integer> requested) {
    List<Integer> ports = instance.ports().stream().map(PortMapping::containerPort).toList();
    if (requested.isEmpty()) {
      return RouteInput.defaultPort(instance.ports()).orElseThrow(() -> ApiException.invalidField("port",
          "is required: the instance has no container ports to route to"));
    }
    if (!ports.contains(requested.get())) {
      throw ApiException.invalidField("port", "must be one of the instance's container ports " + ports);
    }
    return requested.get();
  }

  /**
   * A hostname the tenant owns (null stays null: the instance's default host): its own subtree of the base domain, or
   * one of its verified domains, share-locked until the write commits so that the domain's deletion (which deletes
   * the routes naming it) waits for it. The refusal is the same whether another tenant holds the name or nobody does.
   */
  private Future<String> ownedHost(Tx tx, RouteStore.InstanceRef instance, String hostname) {
    if (hostname == null) {
      return Future.succeededFuture(null);
    }
    String tenantZone = instance.tenantSlug() + "." + baseDomain;
    if (hostname.equals(tenantZone) || hostname.endsWith("." + tenantZone)) {
      return Future.succeededFuture(hostname);
    }
    return domains.lockVerifiedOfTenant(tx.sql(), instance.tenantId(), hostname).map(owned -> {
      if (!owned) {
        throw ApiException.invalidField("hostname", "must be a verified domain of this tenant, or " + tenantZone
            + " or a name under it");
      }
      return hostname;
    });
  }

  private Future<RouteStore.InstanceRef> visibleInstance(Call call, String id) {
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound("instance", String.valueOf(id)));
    }
    return store.instance(id).map(found -> found.filter(i -> Scope.canSee(call.principal(), i.tenantId()))
        .orElseThrow(() -> ApiException.notFound("instance", id)));
  }

  private Future<Route> visibleRoute(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("rte", id)) {
      return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(id)));
    }
    return store.find(id).map(found -> found.filter(r -> Scope.canSee(call.principal(), r.tenantId()))
        .orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }
}
