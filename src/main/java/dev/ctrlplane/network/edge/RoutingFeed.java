package dev.ctrlplane.network.edge;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.network.Route;
import dev.ctrlplane.network.RouteStore;
import dev.ctrlplane.network.domain.DomainStore;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link RoutingTable} current: read from the store at start, then changed by the events every node
 * receives (routes added, changed, removed; instances created, renamed, moved between states, their replicas'
 * endpoints changed, deleted; tenants re-slugged), and read again from the store every {@code resync} (which also
 * covers events missed while this node was cut off from the cluster). A change builds a new table at once; the
 * request path reads the current one without locking. A verticle, so that all of it runs on one context; the table is
 * published through a volatile field.
 */
public final class RoutingFeed extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingFeed.class);
  private static final int MAX_TOMBSTONES = 10_000;

  private final RouteStore store;
  private final DomainStore domainStore;
  private final String baseDomain;
  private final Duration resync;
  private final Map<String, Route> routes = new HashMap<>();
  /** Verified custom domains: hostname → instance id. */
  private final Map<String, String> domains = new HashMap<>();
  private final Map<String, RoutingTable.InstanceView> instances = new HashMap<>();
  private final Map<String, String> tenantSlugs = new java.util.concurrent.ConcurrentHashMap<>();
  /** Instances deleted lately: an event about one that arrives after its deletion must not bring it back. */
  private final Map<String, Boolean> deleted = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_TOMBSTONES;
    }
  };
  private volatile RoutingTable table = RoutingTable.EMPTY;

  public RoutingFeed(RouteStore store, DomainStore domainStore, String baseDomain, Duration resync) {
    this.store = store;
    this.domainStore = domainStore;
    this.baseDomain = baseDomain;
    this.resync = resync;
  }

  public RoutingTable table() {
    return table;
  }

  public String baseDomain() {
    return baseDomain;
  }

  /** Subscribes to the events, then loads the store; completes once the first table is built. */
  @Override
  public Future<?> start() {
    List<Future<Void>> subscribed = new ArrayList<>();
    for (EventType type : List.of(EventType.ROUTE_ADDED, EventType.ROUTE_UPDATED, EventType.ROUTE_REMOVED,
        EventType.INSTANCE_CREATED, EventType.INSTANCE_UPDATED, EventType.INSTANCE_STATE_CHANGED,
        EventType.INSTANCE_ENDPOINTS_CHANGED, EventType.INSTANCE_DELETED, EventType.TENANT_CREATED,
        EventType.TENANT_UPDATED, EventType.DOMAIN_VERIFIED, EventType.DOMAIN_REMOVED)) {
      subscribed.add(vertx.eventBus().<JsonObject>consumer(type.address(), this::onEvent).completion());
    }
    return Future.all(subscribed).compose(v -> reload()).onSuccess(v ->
        vertx.setPeriodic(resync.toMillis(), id -> reload().onFailure(f ->
            LOG.warn("reloading the routing table failed: {}", f.getMessage()))));
  }

  /** Reads every route and instance from the store and rebuilds the table from them. */
  public Future<Void> reload() {
    Future<List<Route>> allRoutes = store.all();
    Future<List<RouteStore.InstanceRow>> allInstances = store.allInstances();
    Future<List<DomainStore.Served>> allDomains = domainStore.allVerified();
    io.vertx.core.Promise<Void> replaced = io.vertx.core.Promise.promise();
    Future.all(allRoutes, allInstances, allDomains).onFailure(replaced::fail).onSuccess(done -> context.runOnContext(v -> {
      domains.clear();
      allDomains.result().forEach(d -> domains.put(d.hostname(), d.instanceId()));
      replaceAll(allRoutes.result(), allInstances.result());
      replaced.complete();
    }));
    return replaced.future();
  }

  private void replaceAll(List<Route> freshRoutes, List<RouteStore.InstanceRow> freshInstances) {
    routes.clear();
    freshRoutes.forEach(r -> routes.put(r.id(), r));
    Map<String, RoutingTable.InstanceView> known = new HashMap<>(instances);
    instances.clear();
    for (RouteStore.InstanceRow row : freshInstances) {
      tenantSlugs.put(row.tenantId(), row.tenantSlug());
      RoutingTable.InstanceView view = RoutingTable.InstanceView.of(row.id(), row.tenantId(), row.slug(),
          row.tenantSlug(), row.ports(), row.endpoints(), row.node(), row.state(), row.version());
      RoutingTable.InstanceView newer = known.get(row.id());
      instances.put(row.id(), newer != null && newer.version() > view.version() ? newer : view);
    }
    rebuild();
  }

  private void onEvent(Message<JsonObject> message) {
    JsonObject event = message.body();
    EventType type = EventType.of(event.getString("type"));
    JsonObject data = event.getJsonObject("data", new JsonObject());
    try {
      switch (type) {
        case ROUTE_ADDED, ROUTE_UPDATED -> {
          Route route = Route.fromJson(data);
          Route known = routes.get(route.id());
          if (known == null || known.version() <= route.version()) {
            routes.put(route.id(), route);
          }
        }
        case ROUTE_REMOVED -> routes.remove(data.getString("id"));
        case DOMAIN_VERIFIED -> domains.put(data.getString("hostname"), data.getString("instance_id"));
        case DOMAIN_REMOVED -> domains.remove(data.getString("hostname"), data.getString("instance_id"));
        case INSTANCE_STATE_CHANGED -> instanceChanged(data.getJsonObject("instance"));
        case INSTANCE_DELETED -> {
          String id = data.getString("id");
          instances.remove(id);
          deleted.put(id, true);
          routes.values().removeIf(r -> r.instanceId().equals(id));
          domains.values().removeIf(id::equals);
        }
        case TENANT_CREATED, TENANT_UPDATED -> tenantChanged(data.getString("id"), data.getString("slug"));
        default -> instanceChanged(data);
      }
    } catch (RuntimeException malformed) {
      LOG.warn("ignoring event {} the routing table cannot read: {}", event.getString("id"), malformed.toString());
      return;
    }
    rebuild();
  }

  private void instanceChanged(JsonObject json) {
    String id = json.getString("id");
    if (id == null || deleted.containsKey(id)) {
      return;
    }
    RoutingTable.InstanceView known = instances.get(id);
    int version = json.getInteger("version", 0);
    if (known != null && known.version() > version) {
      return;
    }
    String tenantId = json.getString("tenant_id");
    String tenantSlug = tenantSlugs.get(tenantId);
    if (tenantSlug == null) {
      // a tenant this node has not seen yet: its slug comes from the store, then the event applies
      store.tenantSlug(tenantId).onSuccess(slug -> slug.ifPresent(s -> context.runOnContext(v -> {
        tenantSlugs.put(tenantId, s);
        instanceChanged(json);
        rebuild();
      })));
      return;
    }
    List<PortMapping> ports = json.getJsonArray("ports", new JsonArray()).stream()
        .map(o -> PortMapping.fromJson((JsonObject) o)).toList();
    List<Endpoint> endpoints = json.getJsonArray("endpoints", new JsonArray()).stream()
        .map(o -> Endpoint.fromJson((JsonObject) o)).toList();
    instances.put(id, RoutingTable.InstanceView.of(id, tenantId, json.getString("slug"), tenantSlug, ports, endpoints,
        json.getString("node"), json.getString("state"), version));
  }

  private void tenantChanged(String tenantId, String slug) {
    if (tenantId == null || slug == null) {
      return;
    }
    tenantSlugs.put(tenantId, slug);
    instances.replaceAll((id, view) -> view.tenantId().equals(tenantId)
        ? new RoutingTable.InstanceView(view.id(), view.tenantId(), view.slug(), slug, view.ports(), view.upstreams(),
            view.node(), view.state(), view.version())
        : view);
  }

  /** The tenant's slug as this node knows it (null when unknown). */
  public String tenantSlug(String tenantId) {
    return tenantSlugs.get(tenantId);
  }

  private void rebuild() {
    table = RoutingTable.build(routes.values(), instances, domains, baseDomain);
  }
}
