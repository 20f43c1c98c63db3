package dev.ctrlplane.config;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.deploy.DeployConfig;
import dev.ctrlplane.events.EventsConfig;
import dev.ctrlplane.health.HealthConfig;
import dev.ctrlplane.scheduler.SchedulerConfig;
import dev.ctrlplane.tenant.Quota;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The whole configuration, typed and validated once at start-up. */
public record CtrlplaneConfig(
    String nodeName,
    HttpConfig http,
    Path dataDir,
    StoreConfig store,
    AuthConfig auth,
    ProviderConfig provider,
    ClusterConfig cluster,
    TenancyConfig tenancy,
    SecretsConfig secrets,
    DeployConfig deploy,
    HealthConfig health,
    SchedulerConfig scheduler,
    EventsConfig events,
    Duration metricsInterval,
    String logLevel,
    EdgeConfig edge,
    dev.ctrlplane.network.DomainsConfig domains) {

  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  public static CtrlplaneConfig from(Settings s) {
    HttpConfig http = HttpConfig.from(s);
    Path dataDir = Path.of(s.string("data.dir")).toAbsolutePath().normalize();
    String logLevel = s.string("log.level").toUpperCase();
    if (!LOG_LEVELS.contains(logLevel)) {
      throw ConfigException.invalid("log.level", logLevel, "expected one of " + LOG_LEVELS);
    }
    return new CtrlplaneConfig(
        nodeName(s, http.port()),
        http,
        dataDir,
        StoreConfig.from(s),
        AuthConfig.from(s),
        ProviderConfig.from(s),
        ClusterConfig.from(s),
        TenancyConfig.from(s),
        SecretsConfig.from(s),
        deploy(s),
        HealthConfig.from(s),
        scheduler(s),
        EventsConfig.from(s),
        s.duration("metrics.refresh_interval"),
        logLevel,
        EdgeConfig.from(s),
        dev.ctrlplane.network.DomainsConfig.from(s));
  }

  public CtrlplaneConfig withAuth(AuthConfig newAuth) {
    return new CtrlplaneConfig(nodeName, http, dataDir, store, newAuth, provider, cluster, tenancy, secrets, deploy,
        health, scheduler, events, metricsInterval, logLevel, edge, domains);
  }

  public CtrlplaneConfig withSecrets(SecretsConfig newSecrets) {
    return new CtrlplaneConfig(nodeName, http, dataDir, store, auth, provider, cluster, tenancy, newSecrets, deploy,
        health, scheduler, events, metricsInterval, logLevel, edge, domains);
  }

  /** Deployments: the canary window, the health deadline of a new replica, the deadline of a whole deployment. */
  private static DeployConfig deploy(Settings s) {
    Duration canary = s.duration("deploy.canary_window");
    Duration health = s.duration("deploy.health_deadline");
    Duration deadline = s.duration("deploy.deadline");
    if (canary.toMillis() < 100) {
      throw ConfigException.invalid("deploy.canary_window", Durations.format(canary), "expected at least 100ms");
    }
    if (health.toMillis() < 1000) {
      throw ConfigException.invalid("deploy.health_deadline", Durations.format(health), "expected at least 1s");
    }
    if (deadline.compareTo(health) < 0) {
      throw ConfigException.invalid("deploy.deadline", Durations.format(deadline),
          "expected at least deploy.health_deadline (" + Durations.format(health) + ")");
    }
    return new DeployConfig(canary, health, deadline);
  }

  /** The scheduler: its poll interval and concurrency, node heartbeats and the reconcile interval. */
  private static SchedulerConfig scheduler(Settings s) {
    Duration poll = s.duration("scheduler.poll_interval");
    int concurrency = s.integer("scheduler.concurrency", 1, 100_000);
    Duration beat = s.duration("scheduler.heartbeat_interval");
    Duration timeout = s.duration("scheduler.node_timeout");
    Duration reconcile = s.duration("scheduler.reconcile_interval");
    if (poll.toMillis() < 10) {
      throw ConfigException.invalid("scheduler.poll_interval", Durations.format(poll), "expected at least 10ms");
    }
    if (beat.toMillis() < 100) {
      throw ConfigException.invalid("scheduler.heartbeat_interval", Durations.format(beat), "expected at least 100ms");
    }
    if (timeout.compareTo(beat.multipliedBy(2)) < 0) {
      throw ConfigException.invalid("scheduler.node_timeout", Durations.format(timeout),
          "expected at least twice scheduler.heartbeat_interval (" + Durations.format(beat) + ")");
    }
    if (reconcile.toMillis() < 1000) {
      throw ConfigException.invalid("scheduler.reconcile_interval", Durations.format(reconcile), "expected at least 1s");
    }
    return new SchedulerConfig(poll, concurrency, beat, timeout, reconcile);
  }

  private static String nodeName(Settings s, int httpPort) {
    String name = s.string("node.name");
    if (name.isEmpty()) {
      return hostname() + "-" + httpPort;
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw ConfigException.invalid("node.name", name, "expected 1-63 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
    } catch (UnknownHostException e) {
      return "node";
    }
  }

  /**
   * The edge router (SPEC §8): where it listens on every node, the domain under which every instance gets its default
   * host ({@code <instance-slug>.<tenant-slug>.<baseDomain>}), and how long it waits for a replica's response.
   */
  public record EdgeConfig(boolean enabled, String host, int port, String baseDomain, Duration upstreamTimeout,
      Duration connectTimeout, int maxConnectionsPerReplica, int tlsPort) {
    static EdgeConfig from(Settings s) {
      String base = s.string("edge.base_domain").toLowerCase(java.util.Locale.ROOT);
      if (!base.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
        throw ConfigException.invalid("edge.base_domain", base, "expected a DNS name like localhost or apps.example.com");
      }
      Duration timeout = s.duration("edge.upstream_timeout");
      if (timeout.toMillis() < 100) {
        throw ConfigException.invalid("edge.upstream_timeout", Durations.format(timeout), "expected at least 100ms");
      }
      Duration connect = s.duration("edge.connect_timeout");
      if (connect.toMillis() < 10) {
        throw ConfigException.invalid("edge.connect_timeout", Durations.format(connect), "expected at least 10ms");
      }
      return new EdgeConfig(s.bool("edge.enabled"), s.string("edge.host"), s.integer("edge.port", 0, 65535), base,
          timeout, connect, s.integer("edge.max_connections_per_replica", 1, 10000), s.integer("edge.tls_port", 0, 65535));
    }
  }

  /** HTTP listener settings. */
  public record HttpConfig(String host, int port, int bodyLimit, java.time.Duration requestTimeout) {
    static HttpConfig from(Settings s) {
      return new HttpConfig(
          s.string("http.host"),
          s.integer("http.port", 0, 65535),
          s.integer("http.body_limit", 1024, 64 * 1024 * 1024),
          s.duration("http.request_timeout"));
    }
  }

  /** Where tenants' state lives: an embedded PostgreSQL when {@code url} is empty. */
  public record StoreConfig(String url, int poolSize, int embeddedPort) {
    static StoreConfig from(Settings s) {
      String url = s.string("store.url");
      if (!url.isEmpty() && !url.matches("postgres(ql)?://.+")) {
        throw ConfigException.invalid("store.url", "<hidden>", "expected postgresql://user:password@host:port/database");
      }
      return new StoreConfig(url, s.integer("store.pool_size", 1, 512), s.integer("store.embedded_port", 0, 65535));
    }

    public boolean embedded() {
      return url.isEmpty();
    }
  }

  /** Bearer-token verification. */
  public record AuthConfig(String secret, String algorithm, String publicKey, String issuer, String audience) {
    static AuthConfig from(Settings s) {
      String secret = s.string("auth.jwt.secret");
      if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
        throw ConfigException.invalid("auth.jwt.secret", "<hidden>", "expected at least 32 bytes");
      }
      String algorithm = s.string("auth.jwt.algorithm").toUpperCase();
      if (!List.of("HS256", "RS256", "ES256").contains(algorithm)) {
        throw ConfigException.invalid("auth.jwt.algorithm", algorithm, "expected HS256, RS256 or ES256");
      }
      String publicKey = s.string("auth.jwt.public_key");
      if (!algorithm.equals("HS256") && publicKey.isEmpty()) {
        throw ConfigException.invalid("auth.jwt.public_key", "", "required when auth.jwt.algorithm is " + algorithm);
      }
      return new AuthConfig(secret, algorithm, publicKey, s.string("auth.jwt.issuer"), s.string("auth.jwt.audience"));
    }

    public AuthConfig withSecret(String generated) {
      return new AuthConfig(generated, algorithm, publicKey, issuer, audience);
    }
  }

  /** Providers: the default one, the process provider's settings, the docker provider's, the benchmark-only noop. */
  public record ProviderConfig(
      String defaultName,
      Path imagesDir,
      java.time.Duration stopGrace,
      java.time.Duration startTimeout,
      int maxRestarts,
      java.time.Duration restartWindow,
      boolean noopEnabled,
      DockerSettings docker) {
    static ProviderConfig from(Settings s) {
      String defaultName = s.string("provider.default");
      boolean noop = s.bool("provider.noop.enabled");
      DockerSettings docker = DockerSettings.from(s);
      if (!defaultName.equals("process") && !(defaultName.equals("noop") && noop)
          && !(defaultName.equals("docker") && docker.enabled())) {
        throw ConfigException.invalid("provider.default", defaultName,
            "expected process (or noop with provider.noop.enabled, docker with provider.docker.enabled)");
      }
      return new ProviderConfig(
          defaultName,
          Path.of(s.string("provider.process.images_dir")).toAbsolutePath().normalize(),
          s.duration("provider.process.stop_grace"),
          s.duration("provider.process.start_timeout"),
          s.integer("provider.process.max_restarts", 0, 1000),
          s.duration("provider.process.restart_window"),
          noop,
          docker);
    }
  }

  /** The docker provider: where its engine listens and how its containers run (see conf/ctrlplane.yaml). */
  public record DockerSettings(
      boolean enabled,
      String host,
      String runtime,
      String bindAddress,
      String advertiseAddress,
      int defaultPort,
      int ulimitNofile,
      int ulimitNproc,
      Duration stopGrace,
      Duration startTimeout,
      Duration pullTimeout,
      Duration pollInterval,
      int maxRestarts,
      Duration restartWindow,
      String secretFiles) {
    static DockerSettings from(Settings s) {
      String host = s.string("provider.docker.host");
      if (!host.matches("unix:///.+|tcp://[^/]+:\\d{1,5}")) {
        throw ConfigException.invalid("provider.docker.host", host, "expected unix:///path/to/docker.sock or tcp://host:port");
      }
      String bind = s.string("provider.docker.bind_address");
      try {
        InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw ConfigException.invalid("provider.docker.bind_address", bind, "expected an IP address of this node");
      }
      return new DockerSettings(
          s.bool("provider.docker.enabled"),
          host,
          s.string("provider.docker.runtime"),
          bind,
          s.string("provider.docker.advertise_address"),
          s.integer("provider.docker.default_port", 1, 65535),
          s.integer("provider.docker.ulimits.nofile", 1, 1 << 24),
          s.integer("provider.docker.ulimits.nproc", 1, 1 << 24),
          positive(s, "provider.docker.stop_grace"),
          positive(s, "provider.docker.start_timeout"),
          positive(s, "provider.docker.pull_timeout"),
          positive(s, "provider.docker.poll_interval"),
          s.integer("provider.docker.max_restarts", 0, 1000),
          positive(s, "provider.docker.restart_window"),
          secretFiles(s));
    }

    private static String secretFiles(Settings s) {
      String mode = s.string("provider.docker.secret_files");
      if (!mode.isEmpty() && !mode.equals("bind") && !mode.equals("archive")) {
        throw ConfigException.invalid("provider.docker.secret_files", mode, "expected bind, archive or empty");
      }
      return mode;
    }

    private static Duration positive(Settings s, String key) {
      Duration value = s.duration(key);
      if (value.isNegative() || value.isZero()) {
        throw ConfigException.invalid(key, Durations.format(value), "expected a positive duration");
      }
      return value;
    }
  }

  /** Clustered mode: Hazelcast TCP-IP join over the configured members. */
  public record ClusterConfig(boolean enabled, String host, int port, List<String> members, int busPort) {
    static ClusterConfig from(Settings s) {
      List<String> members = s.list("cluster.members");
      for (String member : members) {
        if (!member.matches("[A-Za-z0-9.\\-\\[\\]:]+(:\\d{1,5})?")) {
          throw ConfigException.invalid("cluster.members", member, "expected host:port entries separated by commas");
        }
      }
      return new ClusterConfig(
          s.bool("cluster.enabled"),
          s.string("cluster.host"),
          s.integer("cluster.port", 1, 65535),
          members,
          s.integer("cluster.bus_port", 0, 65535));
    }
  }

  /**
   * The master keys of secret values (base64 of 32 bytes each): {@code key} seals, {@code previousKeys} still open.
   * An empty key is resolved at start-up ({@link SecretsKeyFile}). {@link #toString} never shows the keys.
   */
  public record SecretsConfig(String key, List<String> previousKeys) {
    static SecretsConfig from(Settings s) {
      String key = s.string("secrets.key");
      if (!key.isEmpty()) {
        check("secrets.key", key);
      }
      List<String> previous = s.list("secrets.previous_keys");
      previous.forEach(old -> check("secrets.previous_keys", old));
      return new SecretsConfig(key, previous);
    }

    private static void check(String name, String base64) {
      try {
        KeyRing.decode(base64);
      } catch (IllegalArgumentException malformed) {
        throw ConfigException.invalid(name, "<hidden>", malformed.getMessage()
            + " (make one with: openssl rand -base64 32)");
      }
    }

    public SecretsConfig withKey(String generated) {
      return new SecretsConfig(generated, previousKeys);
    }

    /** The ring of these keys; the key must be resolved. */
    public KeyRing keyRing() {
      if (key.isEmpty()) {
        throw new ConfigException("invalid configuration: secrets.key is not set");
      }
      return KeyRing.fromBase64(key, previousKeys);
    }

    @Override
    public String toString() {
      return "SecretsConfig[key=" + (key.isEmpty() ? "<unset>" : "<hidden>") + ", previous_keys=" + previousKeys.size()
          + "]";
    }
  }

  /** Tenant plans and their default quotas. */
  public record TenancyConfig(String defaultPlan, Map<String, Quota> plans) {
    static TenancyConfig from(Settings s) {
      Map<String, Quota> plans = new LinkedHashMap<>();
      for (String plan : s.children("quota.plans")) {
        String p = "quota.plans." + plan + ".";
        plans.put(plan, new Quota(
            s.integer(p + "max_instances", 0, Integer.MAX_VALUE),
            s.integer(p + "max_cpu_millis", 0, Integer.MAX_VALUE),
            s.integer(p + "max_memory_mb", 0, Integer.MAX_VALUE),
            s.integer(p + "max_domains", 0, Integer.MAX_VALUE),
            s.integer(p + "max_secrets", 0, Integer.MAX_VALUE)));
      }
      String defaultPlan = s.string("tenants.default_plan");
      if (!plans.containsKey(defaultPlan)) {
        throw ConfigException.invalid("tenants.default_plan", defaultPlan, "expected one of " + plans.keySet());
      }
      return new TenancyConfig(defaultPlan, Map.copyOf(plans));
    }

    public Quota quotaOf(String plan) {
      return plans.getOrDefault(plan, plans.get(defaultPlan));
    }
  }
}
