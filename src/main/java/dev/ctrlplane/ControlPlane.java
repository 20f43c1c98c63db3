package dev.ctrlplane;

import dev.ctrlplane.admin.AdminFeature;
import dev.ctrlplane.audit.RefusalRecorder;
import dev.ctrlplane.bus.BusClient;
import dev.ctrlplane.cluster.ClusterFactory;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.deploy.DeploymentsFeature;
import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.health.HealthFeature;
import dev.ctrlplane.events.EventsFeature;
import dev.ctrlplane.http.ApiVerticle;
import dev.ctrlplane.http.BearerAuth;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.Readiness;
import dev.ctrlplane.instance.InstanceRuntime;
import dev.ctrlplane.instance.InstancesFeature;
import dev.ctrlplane.network.NetworkFeature;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.provider.docker.DockerConfig;
import dev.ctrlplane.provider.docker.DockerProvider;
import dev.ctrlplane.provider.noop.NoopProvider;
import dev.ctrlplane.provider.process.ProcessProvider;
import dev.ctrlplane.provider.process.ProcessProviderConfig;
import dev.ctrlplane.scheduler.SchedulerFeature;
import dev.ctrlplane.secrets.SecretsFeature;
import dev.ctrlplane.store.Migrations;
import dev.ctrlplane.store.StorePool;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of ctrlplane, wired: Vert.x (clustered or not), the store, the providers, the feature verticles and the
 * HTTP edge. {@link #start} is what {@code ctrlplane serve} runs; tests start nodes the same way.
 */
public final class ControlPlane {

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

  private final CtrlplaneConfig config;
  private final Vertx vertx;
  private final Pool pool;
  private final Providers providers;
  private final InstanceRuntime runtime;
  private final int httpPort;
  private final NetworkFeature network;
  private final Transactions transactions;

  private ControlPlane(CtrlplaneConfig config, Vertx vertx, Pool pool, Providers providers, InstanceRuntime runtime,
      int httpPort, NetworkFeature network, Transactions transactions) {
    this.network = network;
    this.transactions = transactions;
    this.config = config;
    this.vertx = vertx;
    this.pool = pool;
    this.providers = providers;
    this.runtime = runtime;
    this.httpPort = httpPort;
  }

  /**
   * Starts a node on the PostgreSQL at {@code storeUrl} with the given (resolved) configuration: the JWT secret and
   * the secrets key must be set, the store running.
   */
  public static Future<ControlPlane> start(CtrlplaneConfig config, String storeUrl) {
    return createVertx(config).compose(vertx -> wire(vertx, config, storeUrl)
        .onFailure(failed -> vertx.close()));
  }

  private static Future<Vertx> createVertx(CtrlplaneConfig config) {
    // Byte counters on every socket read and write (NET_*) cost more than they tell: the HTTP server's request
    // metrics, the event bus, the pools and the edge router's requests are the ones an operator watches.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
        // the HTTP client is the edge router's, one series per replica address: the edge's own meters count it
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .setEnabled(true));
    return config.cluster().enabled()
        ? ClusterFactory.clusteredVertx(options, config.cluster())
        : Future.succeededFuture(Vertx.vertx(options));
  }

  private static Future<ControlPlane> wire(Vertx vertx, CtrlplaneConfig config, String storeUrl) {
    Pool pool = StorePool.create(vertx, storeUrl, config.store().poolSize());
    NodeServices node = services(vertx, config, pool);
    InstancesFeature instances = new InstancesFeature(node);
    HealthFeature health = new HealthFeature(node, instances);
    NetworkFeature network = new NetworkFeature(node, instances);
    List<Feature> features = SchedulerFeature.after(node, List.of(
        instances,
        new EventsFeature(node),
        new AdminFeature(node, instances.service()),
        new SecretsFeature(node),
        health,
        new DeploymentsFeature(node, instances, health),
        network));
    return new Migrations(pool).migrate()
        .compose(applied -> Future.all(node.providers().all().stream().map(Provider::ready).toList()))
        .compose(ready -> deployInOrder(vertx, features))
        .compose(deployed -> deployApi(vertx, config, features, new Readiness(vertx, pool)))
        .map(port -> {
          ControlPlane plane = new ControlPlane(config, vertx, pool, node.providers(), instances.runtime(), port,
              network, node.transactions());
          features.forEach(feature -> feature.started()
              .onFailure(f -> LOG.warn("start-up work of {} failed: {}", feature.getClass().getSimpleName(),
                  f.getMessage())));
          LOG.info("ctrlplane node {} serving on http://{}:{}, edge router on {}:{} (cluster: {})", config.nodeName(),
              config.http().host(), port, config.edge().host(), network.edgePort(),
              config.cluster().enabled() ? "on" : "off");
          return plane;
        });
  }

  /** What every feature shares: the unit-of-work runner, tenancy rules, providers and the refusal recorder. */
  private static NodeServices services(Vertx vertx, CtrlplaneConfig config, Pool pool) {
    Transactions transactions = new Transactions(pool, new EventPublisher(vertx.eventBus()), config.nodeName());
    List<Provider> enabled = new ArrayList<>(List.of(new ProcessProvider(vertx, processConfig(config),
        replicaHost(config))));
    if (config.provider().noopEnabled()) {
      enabled.add(new NoopProvider());
    }
    if (config.provider().docker().enabled()) {
      enabled.add(new DockerProvider(vertx, dockerConfig(config)));
    }
    Providers providers = new Providers(config.provider().defaultName(), enabled);
    return new NodeServices(vertx, config, pool, transactions, new Tenancy(config.tenancy()), providers,
        new RefusalRecorder(transactions), config.secrets().keyRing());
  }

  private static Future<Void> deployInOrder(Vertx vertx, List<Feature> features) {
    Future<Void> chain = Future.succeededFuture();
    for (Feature feature : features) {
      chain = chain.compose(previous -> feature.deploy(vertx).mapEmpty());
    }
    return chain;
  }

  /**
   * Deploys the edge on every event loop, all sharing one port. A configured 0 becomes -1, Vert.x's "one random port
   * shared by every server instance".
   */
  private static Future<Integer> deployApi(Vertx vertx, CtrlplaneConfig config, List<Feature> features,
      Readiness readiness) {
    var http = config.http();
    int port = http.port() == 0 ? -1 : http.port();
    Gateway gateway = new Gateway(new BusClient(vertx, http.requestTimeout()));
    BearerAuth auth = new BearerAuth(Auth.jwt(vertx, config.auth()));
    var settings = new ApiVerticle.Settings(http.host(), port, http.bodyLimit(), gateway, auth, readiness, features,
        version());
    List<ApiVerticle> deployed = new java.util.concurrent.CopyOnWriteArrayList<>();
    Supplier<io.vertx.core.Deployable> edge = () -> {
      ApiVerticle verticle = new ApiVerticle(settings);
      deployed.add(verticle);
      return verticle;
    };
    return vertx.deployVerticle(edge, new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))
        .map(id -> deployed.get(0).actualPort())
        .recover(failed -> Future.failedFuture(new dev.ctrlplane.config.ConfigException("cannot listen on "
            + http.host() + ":" + http.port() + ": " + failed.getMessage() + " (see http.host / http.port)")));
  }

  /**
   * Where process replicas listen: on a single node its loopback; in a cluster the address the node advertises
   * ({@code cluster.host}), so another node's edge router can reach them directly.
   */
  private static String replicaHost(CtrlplaneConfig config) {
    return config.cluster().enabled() ? config.cluster().host() : ProcessProvider.LOOPBACK;
  }

  private static ProcessProviderConfig processConfig(CtrlplaneConfig config) {
    var p = config.provider();
    ProcessProviderConfig defaults = ProcessProviderConfig.defaults(p.imagesDir(), config.dataDir().resolve("replicas"));
    return new ProcessProviderConfig(p.imagesDir(), defaults.runDir(), p.stopGrace(), p.startTimeout(),
        defaults.restartBackoffMin(), defaults.restartBackoffMax(), p.maxRestarts(), p.restartWindow());
  }

  private static DockerConfig dockerConfig(CtrlplaneConfig config) {
    var d = config.provider().docker();
    DockerConfig defaults = DockerConfig.defaults(d.host(), config.nodeName(), config.dataDir().resolve("docker"));
    return new DockerConfig(d.host(), config.nodeName(), defaults.stateDir(), d.runtime(), d.bindAddress(),
        d.advertiseAddress(), d.defaultPort(), d.ulimitNofile(), d.ulimitNproc(), d.stopGrace(), d.startTimeout(),
        d.pullTimeout(), d.pollInterval(), defaults.restartBackoffMin(), defaults.restartBackoffMax(), d.maxRestarts(),
        d.restartWindow(), d.secretFiles());
  }

  /** The version from the jar's manifest ("dev" when run from classes). */
  public static String version() {
    String version = ControlPlane.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The network feature: its routing table and the edge's per-request records (for telemetry). */
  public NetworkFeature network() {
    return network;
  }

  /** The port the edge router serves instances' traffic on (0 when {@code edge.enabled} is false). */
  public int edgePort() {
    return network.edgePort();
  }

  public String nodeName() {
    return config.nodeName();
  }

  /** The node's unit-of-work runner (events published and marked as the API's are): for benchmarks and tests. */
  public Transactions transactions() {
    return transactions;
  }

  public Providers providers() {
    return providers;
  }

  public InstanceRuntime runtime() {
    return runtime;
  }

  /**
   * Stops this node. Replicas keep running (the next start adopts them), the way a Nomad client restart leaves its
   * tasks alone; stopping them is an API call, not a side effect of maintenance.
   */
  public Future<Void> close() {
    return stopTakingWork()
        .compose(v -> detachProviders())
        .compose(v -> pool.close())
        .eventually(vertx::close);
  }

  /**
   * Undeploys the verticles before the pool closes: in a cluster the other nodes keep sending bus requests here until
   * this node's consumers are unregistered, and each of them would fail on a closed pool.
   */
  private Future<Void> stopTakingWork() {
    List<Future<Void>> undeployed = vertx.deploymentIDs().stream().map(vertx::undeploy).toList();
    return Future.join(undeployed).<Void>mapEmpty().recover(f -> Future.succeededFuture());
  }

  private Future<Void> detachProviders() {
    return Future.join(providers.all().stream().map(Provider::detach).toList()).<Void>mapEmpty()
        .recover(f -> Future.succeededFuture());
  }
}
