package dev.ctrlplane.network;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.config.CtrlplaneConfig.EdgeConfig;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.DomainRoutes;
import dev.ctrlplane.http.RouteRoutes;
import dev.ctrlplane.network.cert.CertBook;
import dev.ctrlplane.network.cert.CertFeed;
import dev.ctrlplane.network.cert.CertService;
import dev.ctrlplane.network.cert.CertStore;
import dev.ctrlplane.network.cert.CertificateAuthority;
import dev.ctrlplane.network.cert.RenewJob;
import dev.ctrlplane.network.domain.DnsLookup;
import dev.ctrlplane.network.domain.DomainService;
import dev.ctrlplane.network.domain.DomainStore;
import dev.ctrlplane.network.domain.RecheckJob;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.instance.InstancesFeature;
import dev.ctrlplane.network.edge.EdgeRecords;
import dev.ctrlplane.network.edge.EdgeVerticle;
import dev.ctrlplane.network.edge.ReplicaHealth;
import dev.ctrlplane.network.edge.RoutingFeed;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Network (SPEC §8): the routes API on {@code ctrlplane.network}, and the edge router that serves the instances'
 * traffic on every node ({@code edge.host:edge.port}): the routing table fed by the store and the bus, the replicas'
 * health as the edge sees it, the per-request records for telemetry, and one edge verticle per event loop.
 */
public final class NetworkFeature implements Feature {

  /** How often a node reads the whole routing table from the store again (events keep it current in between). */
  static final Duration RESYNC = Duration.ofSeconds(30);
  /** How often a node reads every served certificate again (events keep its edge current in between). */
  static final Duration CERT_RESYNC = Duration.ofMinutes(5);

  private final NodeServices node;
  private final EdgeConfig config;
  private final RouteService routes;
  private final DomainStore domainStore;
  private final DnsLookup dns;
  private final DomainService domains;
  private final CertStore certStore;
  private final CertificateAuthority ca;
  private final CertService certs;
  private final CertBook book = new CertBook();
  private final RoutingFeed feed;
  private final ReplicaHealth health = new ReplicaHealth();
  private final EdgeRecords records = new EdgeRecords();
  private final List<EdgeVerticle> edges = new CopyOnWriteArrayList<>();

  public NetworkFeature(NodeServices node, InstancesFeature instances) {
    this.node = node;
    this.config = node.config().edge();
    RouteStore store = new RouteStore(node.pool());
    DomainsConfig domainsConfig = node.config().domains();
    this.domainStore = new DomainStore(node.pool());
    this.dns = new DnsLookup(node.vertx(), domainsConfig.dnsServers(), domainsConfig.dnsTimeout());
    this.domains = new DomainService(domainStore, store, node.transactions(), node.tenancy(), dns,
        config.baseDomain(), domainsConfig.recheckInterval(), domainsConfig.recheckFor());
    this.certStore = new CertStore(node.pool());
    this.ca = new CertificateAuthority(node.vertx(), certStore, node.keys());
    this.certs = new CertService(ca, certStore, domainStore, domains, node.transactions(), node.tenancy(),
        node.keys(), domainsConfig.certValidity());
    this.routes = new RouteService(store, domainStore, node.transactions(), node.tenancy(), config.baseDomain());
    this.feed = new RoutingFeed(store, domainStore, config.baseDomain(), RESYNC);
    instances.decorateWith(new InstanceUrls(feed, store, config.baseDomain(), this::edgePort));
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    Future<?> api = vertx.deployVerticle(new NetworkVerticle(routes, domains, certs, node.refusals()));
    if (!config.enabled()) {
      return api;
    }
    // Vert.x shares one random port among the servers that ask for the same negative port: -1 is the API's
    int port = config.port() == 0 ? -2 : config.port();
    int tlsPort = config.tlsPort() == 0 ? -3 : config.tlsPort();
    EdgeVerticle.Shared shared = new EdgeVerticle.Shared(config, port, feed, health, records, tlsPort, book);
    return api.compose(v -> vertx.deployVerticle(health))
        .compose(v -> vertx.deployVerticle(feed))
        .compose(v -> vertx.deployVerticle(new CertFeed(certStore, node.keys(), book, CERT_RESYNC)))
        .compose(v -> vertx.deployVerticle(() -> {
          EdgeVerticle edge = new EdgeVerticle(shared);
          edges.add(edge);
          return edge;
        }, new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE)))
        .recover(failed -> Future.failedFuture(new dev.ctrlplane.config.ConfigException("edge router cannot listen on "
            + config.host() + ":" + config.port() + " (TLS " + config.tlsPort() + "): " + failed.getMessage()
            + " (see edge.host / edge.port / edge.tls_port)")));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new RouteRoutes(gateway).mount(router);
    new DomainRoutes(gateway).mount(router);
  }

  @Override
  public List<Job> jobs() {
    DomainsConfig settings = node.config().domains();
    return List.of(new RecheckJob(dns, domainStore), new RenewJob(certStore, domainStore, certs, node.transactions(),
        settings.renewBefore(), settings.renewCheckInterval()));
  }

  /** The port the edge router listens on; 0 when it is disabled. */
  public int edgePort() {
    return edges.isEmpty() ? 0 : edges.get(0).actualPort();
  }

  /** The port the edge router serves HTTPS on; 0 when it is disabled. */
  public int edgeTlsPort() {
    return edges.isEmpty() ? 0 : edges.get(0).actualTlsPort();
  }

  /** The certificates this node's edge serves. */
  public CertBook certificates() {
    return book;
  }

  /** The edge's per-request records, for the telemetry feature to install its sink on. */
  public EdgeRecords records() {
    return records;
  }

  public RoutingFeed routingFeed() {
    return feed;
  }
}
