package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ProviderHealth;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.ReplicaTelemetry;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.provider.SecretSource;
import dev.ctrlplane.provider.process.SerialQueue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} provider: each replica is a container on a Docker Engine (or Podman's Docker-compatible
 * service), reached over its HTTP API on a unix socket or TCP port. A replica's container carries labels naming
 * its node, instance, tenant, release and replica; runs its release's image with its env and the instance's secrets
 * (env in its environment, files bind-mounted read-only from a 0600 dir); publishes the instance's ports on the
 * node's bind address; gets {@code NanoCpus}/{@code Memory} from the resources and explicit {@code nofile}/{@code
 * nproc} ulimits. It is ready once it accepts connections on its published port. ctrlplane supervises it as it does
 * processes; containers outlive the control plane and a provider of the same node adopts them by label. An engine
 * that cannot be reached makes the provider unhealthy and its calls fail; it recovers on its own once the engine
 * answers again. Futures complete on the caller's context.
 */
public final class DockerProvider implements Provider {

  public static final String NAME = "docker";
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);
  private static final List<String> CAPABILITIES = List.of("replicas", "logs", "stats", "env", "secrets", "adopt",
      "ports", "resources");
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(3);
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  private final Vertx vertx;
  private final DockerConfig config;
  private final Engine engine;
  private final NetClient net;
  private final Containers containers;
  private final Supervisor supervisor;
  private final Adopter adopter;
  private final Telemetry telemetry;
  private final SerialQueue queue = new SerialQueue();
  private final Map<String, DockerInstance> instances = new ConcurrentHashMap<>();
  private final String host;
  private final Future<Void> firstAdoption;
  private volatile Future<Void> adoption;
  private volatile String engineDown;
  private volatile String engineVersion;
  private volatile boolean detached;
  private volatile long pollTimer = -1;

  /** Starts adopting this node's containers at once (see {@link #ready()}) and polling the engine. */
  public DockerProvider(Vertx vertx, DockerConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.host = config.endpointHost();
    this.engine = new Engine(new EngineClient(vertx, EngineAddress.parse(config.host())));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    Prober prober = new Prober(vertx, net, engine, host, config.startTimeout());
    this.containers = new Containers(vertx, config, engine, new Images(engine, config.pullTimeout()), prober);
    this.supervisor = new Supervisor(vertx, config, queue, containers, prober, this::snapshot);
    this.adopter = new Adopter(vertx, config, engine, containers);
    this.telemetry = new Telemetry(engine, instances::get);
    this.adoption = adopt();
    this.firstAdoption = adoption;
    schedulePoll();
  }

  /**
   * Completes once the first adoption attempt is over. When the engine could not be reached it completes all the
   * same (the node must start without its engine); adoption is then tried again at each poll, and every operation
   * waits for it (failing while the engine is away).
   */
  @Override
  public Future<Void> ready() {
    return onCaller(firstAdoption.otherwiseEmpty());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> capabilities() {
    return CAPABILITIES;
  }

  /** Healthy while the engine answers {@code /_ping}; the message names the engine's version and address. */
  @Override
  public Future<ProviderHealth> health() {
    return onCaller(engine.ping(PING_TIMEOUT).compose(v -> version()).map(version -> {
      engineUp();
      return new ProviderHealth(true, "docker engine " + version + " at " + engine.describe());
    }).recover(failure -> {
      engineDown(failure);
      return Future.succeededFuture(new ProviderHealth(false, failure.getMessage()));
    }));
  }

  /** The image references must be well formed (400); the engine must answer (503 otherwise). */
  @Override
  public Future<Void> validate(InstanceSpec spec) {
    try {
      if (spec.instanceId() != null) {
        checkInstanceId(spec.instanceId());
      }
      spec.sets().stream().map(ReplicaSet::image).forEach(ImageRef::parse);
    } catch (ProviderException e) {
      return Future.failedFuture(e);
    }
    return available();
  }

  /** The engine answers {@code /_ping}; otherwise a failure that the API answers 503. */
  @Override
  public Future<Void> available() {
    return onCaller(engine.ping(PING_TIMEOUT).onFailure(this::engineDown));
  }

  @Override
  public Future<RunningInstance> apply(InstanceSpec spec) {
    return onInstance(spec.instanceId(), instance -> converge(instance, spec));
  }

  @Override
  public Future<RunningInstance> restart(InstanceSpec spec) {
    return onInstance(spec.instanceId(), instance -> containers.stopAll(instance)
        .compose(v -> converge(instance, spec)));
  }

  @Override
  public void interrupt(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
    if (instance != null) {
      instance.interrupt();
    }
  }

  @Override
  public Future<Void> stop(String instanceId) {
    return onInstance(instanceId, containers::stopAll);
  }

  @Override
  public Future<Void> destroy(String instanceId) {
    return onInstance(instanceId, containers::destroy);
  }

  @Override
  public Future<RunningInstance> status(String instanceId) {
    DockerInstance instance = instances.get(instanceId);
    return Future.succeededFuture(instance == null ? RunningInstance.none(NAME + ":" + instanceId) : snapshot(instance));
  }

  @Override
  public Set<String> instanceIds() {
    return instances.values().stream()
        .filter(DockerInstance::isKnown)
        .map(DockerInstance::id)
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void setListener(ProviderListener listener) {
    supervisor.listener(listener);
  }

  @Override
  public void setSecretSource(SecretSource source) {
    containers.secretSource(source);
  }

  @Override
  public Optional<ReplicaTelemetry> telemetry() {
    return Optional.of(telemetry);
  }

  /** Stops polling and supervising without stopping any container: the next provider of this node adopts them. */
  @Override
  public Future<Void> detach() {
    detached = true;
    supervisor.detach();
    vertx.cancelTimer(pollTimer);
    instances.values().forEach(instance -> instance.slots().forEach(containers::cancelBackoff));
    return onCaller(queue.idle().compose(v -> net.close()).compose(v -> engine.close()));
  }

  /** Container names and state dirs are made of instance ids, so they must be plain names. */
  static boolean isSafeId(String instanceId) {
    return SAFE_ID.matcher(instanceId).matches() && !instanceId.contains("..");
  }

  private static void checkInstanceId(String instanceId) {
    if (instanceId == null || !isSafeId(instanceId)) {
      throw ProviderException.badRequest("invalid instance id \"" + instanceId + "\" for the docker provider");
    }
  }

  private Future<RunningInstance> converge(DockerInstance instance, InstanceSpec spec) {
    return containers.converge(instance, spec).map(started -> snapshot(instance));
  }

  /** Runs the operation once adoption is done, in the instance's turn; afterwards forgets an instance left empty. */
  private <T> Future<T> onInstance(String instanceId, Function<DockerInstance, Future<T>> operation) {
    if (detached) {
      return Future.failedFuture(new ProviderException("the docker provider is detached"));
    }
    try {
      checkInstanceId(instanceId);
    } catch (ProviderException e) {
      return Future.failedFuture(e);
    }
    return onCaller(adopted().compose(v -> queue.submit(instanceId, () -> {
      DockerInstance instance = instances.computeIfAbsent(instanceId, DockerInstance::new);
      return operation.apply(instance).andThen(ar -> {
        if (!instance.isKnown()) {
          instances.remove(instanceId, instance);
        }
      });
    })));
  }

  /** The adoption, done; or tried again (once at a time) when the last attempt failed. */
  private synchronized Future<Void> adopted() {
    if (adoption.failed()) {
      adoption = adopt();
    }
    return adoption;
  }

  private Future<Void> adopt() {
    return adopter.adopt(id -> instances.computeIfAbsent(id, DockerInstance::new))
        .onSuccess(v -> engineUp())
        .onFailure(failure -> {
          engineDown(failure);
          LOG.warn("cannot adopt the containers of node {} yet: {}", config.nodeName(), failure.getMessage());
        });
  }

  private void schedulePoll() {
    if (!detached) {
      pollTimer = vertx.setTimer(config.pollInterval().toMillis(), t -> poll());
    }
  }

  /** One look at this node's containers: supervision, and the engine's health. */
  private void poll() {
    if (detached) {
      return;
    }
    if (!adoption.isComplete() || adoption.failed()) {
      adopted().onComplete(ar -> schedulePoll());
      return;
    }
    long listedAt = System.nanoTime();
    engine.list(Labels.ofNode(config.nodeName())).onComplete(ar -> {
      if (ar.succeeded()) {
        engineUp();
        supervisor.check(List.copyOf(instances.values()), ar.result(), listedAt);
      } else {
        engineDown(ar.cause());
      }
      schedulePoll();
    });
  }

  private Future<String> version() {
    String known = engineVersion;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return engine.version().map(json -> {
      String version = describeVersion(json);
      engineVersion = version;
      return version;
    });
  }

  static String describeVersion(JsonObject json) {
    String product = json.getJsonArray("Components", new io.vertx.core.json.JsonArray()).stream()
        .filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
        .map(c -> c.getString("Name", "")).filter(n -> n.endsWith("Engine")).findFirst().orElse("Engine");
    return product + " " + json.getString("Version", "?") + " (API " + json.getString("ApiVersion", "?") + ")";
  }

  private void engineUp() {
    if (engineDown != null) {
      LOG.info("docker engine at {} answers again", engine.describe());
      engineDown = null;
    }
  }

  private void engineDown(Throwable failure) {
    if (!(failure instanceof EngineException e && e.isUnreachable())) {
      return;
    }
    if (engineDown == null) {
      LOG.warn("{}", failure.getMessage());
    }
    engineDown = failure.getMessage();
    engineVersion = null; // it may come back upgraded
  }

  private RunningInstance snapshot(DockerInstance instance) {
    return instance.snapshot(NAME + ":" + instance.id(), host);
  }

  private static <T> Future<T> onCaller(Future<T> result) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return result;
    }
    return Future.future(promise -> result.onComplete(ar -> caller.runOnContext(v -> promise.handle(ar))));
  }
}
