package dev.ctrlplane.network.edge;

import dev.ctrlplane.network.Route;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One immutable snapshot of what the edge routes: host → path prefixes (longest first) → the routes of that host and
 * prefix with their weights, and per instance the replicas that may take its traffic. Built from scratch on every
 * change ({@link RoutingFeed}); the request path only reads it.
 *
 * <p>A route without a hostname belongs to its instance's default host. Every instance with a container port also
 * answers at its default host under "/" without any route, unless one of its tenant's routes claims "/" there.
 * Routes of weight 0 take no traffic: a prefix whose routes all weigh 0 is skipped, so a shorter one matches.
 */
public final class RoutingTable {

  /** Where a replica listens. */
  public record Upstream(String host, int port, String key) {
    static Upstream of(Endpoint endpoint) {
      URI uri = URI.create(endpoint.url());
      return new Upstream(uri.getHost(), uri.getPort(), uri.getHost() + ":" + uri.getPort());
    }
  }

  /** An instance as the edge sees it: its default host and the replicas that serve it. */
  public record InstanceView(String id, String tenantId, String slug, String tenantSlug, List<PortMapping> ports,
      List<Upstream> upstreams, String node, String state, int version) {

    public String defaultHost(String baseDomain) {
      return slug + "." + tenantSlug + "." + baseDomain;
    }

    /** The port traffic goes to without a route: the first http port, else the first; 0 when there is none. */
    public int defaultPort() {
      return ports.stream().filter(p -> "http".equals(p.protocol())).findFirst()
          .or(() -> ports.stream().findFirst()).map(PortMapping::containerPort).orElse(0);
    }

    public static InstanceView of(String id, String tenantId, String slug, String tenantSlug, List<PortMapping> ports,
        List<Endpoint> endpoints, String node, String state, int version) {
      return new InstanceView(id, tenantId, slug, tenantSlug, List.copyOf(ports),
          endpoints.stream().map(Upstream::of).toList(), node, state, version);
    }
  }

  /** One candidate of a match: a route (null for a default host's implicit one) to an instance's port. */
  public record Target(String routeId, String instanceId, int port, int weight, boolean stripPrefix, String prefix) {}

  /** What a request matched: the target chosen by weight, and its instance. */
  public record Match(Target target, InstanceView instance) {

    /** The path the replica gets: with the prefix taken off when the route strips it. */
    public String upstreamUri(String uri) {
      if (!target.stripPrefix() || target.prefix().equals("/")) {
        return uri;
      }
      String rest = uri.substring(target.prefix().length());
      return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
    }
  }

  private record Group(String prefix, Target[] targets, int totalWeight) {}

  public static final RoutingTable EMPTY = new RoutingTable(Map.of(), Map.of());

  private final Map<String, Group[]> hosts;
  private final Map<String, InstanceView> instances;

  private RoutingTable(Map<String, Group[]> hosts, Map<String, InstanceView> instances) {
    this.hosts = hosts;
    this.instances = instances;
  }

  public static RoutingTable build(Collection<Route> routes, Map<String, InstanceView> instances, String baseDomain) {
    return build(routes, instances, Map.of(), baseDomain);
  }

  /**
   * {@code domains} maps each verified custom domain to its instance: the domain answers like the instance's default
   * host ("/" to its default port) unless a route claims "/" on it.
   */
  public static RoutingTable build(Collection<Route> routes, Map<String, InstanceView> instances,
      Map<String, String> domains, String baseDomain) {
    Map<String, Map<String, List<Target>>> byHost = new HashMap<>();
    for (Route route : routes) {
      InstanceView instance = instances.get(route.instanceId());
      if (instance == null) {
        continue;
      }
      String host = route.hostname() != null ? route.hostname() : instance.defaultHost(baseDomain);
      byHost.computeIfAbsent(host, h -> new HashMap<>()).computeIfAbsent(route.path(), p -> new ArrayList<>())
          .add(new Target(route.id(), route.instanceId(), route.port(), route.weight(), route.stripPrefix(),
              route.path()));
    }
    for (InstanceView instance : instances.values()) {
      if (instance.defaultPort() == 0) {
        continue;
      }
      Map<String, List<Target>> prefixes = byHost.computeIfAbsent(instance.defaultHost(baseDomain), h -> new HashMap<>());
      prefixes.computeIfAbsent("/", p -> new ArrayList<>(List.of(
          new Target(null, instance.id(), instance.defaultPort(), 100, false, "/"))));
    }
    domains.forEach((hostname, instanceId) -> {
      InstanceView instance = instances.get(instanceId);
      if (instance != null && instance.defaultPort() != 0) {
        byHost.computeIfAbsent(hostname, h -> new HashMap<>()).computeIfAbsent("/", p -> new ArrayList<>(List.of(
            new Target(null, instance.id(), instance.defaultPort(), 100, false, "/"))));
      }
    });
    Map<String, Group[]> hosts = new HashMap<>();
    byHost.forEach((host, prefixes) -> hosts.put(host, prefixes.entrySet().stream()
        .map(e -> new Group(e.getKey(), e.getValue().stream().filter(t -> t.weight() > 0)
            .sorted(Comparator.comparing(Target::instanceId)).toArray(Target[]::new),
            e.getValue().stream().mapToInt(Target::weight).sum()))
        .filter(g -> g.totalWeight() > 0)
        .sorted(Comparator.comparingInt((Group g) -> g.prefix().length()).reversed())
        .toArray(Group[]::new)));
    return new RoutingTable(Map.copyOf(hosts), Map.copyOf(instances));
  }

  /** The target for a request to {@code host} (lower case, no port) and {@code path}; null when nothing matches. */
  public Match match(String host, String path) {
    Group[] groups = hosts.get(host);
    if (groups == null) {
      return null;
    }
    for (Group group : groups) {
      if (covers(group.prefix(), path)) {
        Target target = pick(group);
        InstanceView instance = instances.get(target.instanceId());
        return instance == null ? null : new Match(target, instance);
      }
    }
    return null;
  }

  /** Whether the prefix covers the path, on segment boundaries: "/api" covers "/api" and "/api/x", not "/apix". */
  static boolean covers(String prefix, String path) {
    if (prefix.equals("/")) {
      return true;
    }
    return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  private static Target pick(Group group) {
    if (group.targets().length == 1) {
      return group.targets()[0];
    }
    int ticket = ThreadLocalRandom.current().nextInt(group.totalWeight());
    for (Target target : group.targets()) {
      ticket -= target.weight();
      if (ticket < 0) {
        return target;
      }
    }
    return group.targets()[group.targets().length - 1];
  }

  public InstanceView instance(String id) {
    return instances.get(id);
  }

  public int hostCount() {
    return hosts.size();
  }
}
