package dev.ctrlplane.network;

import dev.ctrlplane.instance.InstanceDecorator;
import dev.ctrlplane.network.edge.RoutingFeed;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.IntSupplier;

/**
 * Shows every instance's default URL ({@code default_url}): {@code http://<instance-slug>.<tenant-slug>.<base>:<edge
 * port>/}, or null when it has no container port (nothing to route to). The tenant's slug is the routing table's;
 * a tenant the table has not heard of yet is read from the store.
 */
final class InstanceUrls implements InstanceDecorator {

  static final String FIELD = "default_url";

  private final RoutingFeed feed;
  private final RouteStore store;
  private final String baseDomain;
  private final IntSupplier edgePort;

  InstanceUrls(RoutingFeed feed, RouteStore store, String baseDomain, IntSupplier edgePort) {
    this.feed = feed;
    this.store = store;
    this.baseDomain = baseDomain;
    this.edgePort = edgePort;
  }

  @Override
  public Future<JsonObject> decorate(JsonObject instance) {
    JsonArray ports = instance.getJsonArray("ports");
    String tenantId = instance.getString("tenant_id");
    if (ports == null || ports.isEmpty() || tenantId == null || edgePort.getAsInt() == 0) {
      return Future.succeededFuture(instance.put(FIELD, null));
    }
    String known = feed.tenantSlug(tenantId);
    Future<String> slug = known != null ? Future.succeededFuture(known)
        : store.tenantSlug(tenantId).map(found -> found.orElse(null));
    return slug.map(tenantSlug -> instance.put(FIELD, tenantSlug == null ? null : url(instance.getString("slug"),
        tenantSlug))).otherwise(instance);
  }

  private String url(String instanceSlug, String tenantSlug) {
    int port = edgePort.getAsInt();
    return "http://" + instanceSlug + "." + tenantSlug + "." + baseDomain + (port == 80 ? "" : ":" + port) + "/";
  }
}
