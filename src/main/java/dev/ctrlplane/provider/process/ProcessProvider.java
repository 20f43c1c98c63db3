package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ProviderHealth;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.provider.SecretSource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code process} provider, like Nomad's raw_exec: image {@code name:tag} is the executable
 * {@code <imagesDir>/<name>/<tag>/run}; each replica runs its release's image as a supervised process in a session of
 * its own, with its release's env, the instance's env secrets over it (from the {@link SecretSource}, asked at each
 * spawn), and {@code PORT}, {@code HOST}, {@code CTRLPLANE_INSTANCE_ID}, {@code CTRLPLANE_REPLICA},
 * {@code CTRLPLANE_RELEASE_ID} and {@code CTRLPLANE_SECRETS_DIR} (its file secrets' dir), which win over both; it is
 * ready once it accepts connections on {@code PORT}. Replicas outlive the control plane; a
 * provider constructed over the same run dir adopts them (see {@link #ready()}). Futures complete on the caller's
 * context.
 */
public final class ProcessProvider implements Provider {

  public static final String NAME = "process";
  private static final List<String> CAPABILITIES = List.of("replicas", "logs", "env", "adopt");
  /** Where replicas listen unless told otherwise: this machine only. */
  public static final String LOOPBACK = "127.0.0.1";
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  private final Vertx vertx;
  private final String host;
  private final ImageResolver images;
  private final Launcher launcher;
  private final NetClient net;
  private final Replicas replicas;
  private final Supervisor supervisor;
  private final SerialQueue queue = new SerialQueue();
  private final InstanceRegistry instances = new InstanceRegistry(queue);
  private final Future<Void> ready;
  private volatile boolean detached;

  /** Starts adopting the replicas found in {@code config.runDir()} at once; see {@link #ready()}. */
  public ProcessProvider(Vertx vertx, ProcessProviderConfig config) {
    this(vertx, config, LOOPBACK);
  }

  /**
   * As above, with replicas listening on {@code host} (an IP literal): in a cluster the node's advertised address, so
   * that the edge router of every node reaches them (docs/ARCHITECTURE.md, the edge router).
   */
  public ProcessProvider(Vertx vertx, ProcessProviderConfig config, String host) {
    this.vertx = vertx;
    this.host = host;
    Context context = vertx.getOrCreateContext();
    this.images = new ImageResolver(config.imagesDir());
    this.launcher = new Launcher(config.runDir(), host, context);
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
    PortAllocator ports = new PortAllocator(host);
    Stopper stopper = new Stopper(vertx, config.stopGrace());
    Prober prober = new Prober(vertx, net, host, config.startTimeout(), launcher);
    this.replicas = new Replicas(vertx, images, ports, launcher, stopper, prober);
    this.supervisor = new Supervisor(vertx, config, queue, replicas, stopper, this::snapshot);
    this.ready = new Adopter(vertx, ports, supervisor).adopt(config.runDir(), instances::getOrCreate)
        .recover(err -> Future.failedFuture(
            new ProviderException("cannot adopt replicas from " + config.runDir() + ": " + err.getMessage())));
  }

  /**
   * Completes once the replicas a previous control plane left in the run dir are adopted. Every operation waits for
   * it; {@link #instanceIds()} is complete only after it.
   */
  @Override
  public Future<Void> ready() {
    return onCaller(ready);
  }

  /**
   * Where replica {@code index} of the instance keeps {@code stdout.log} and {@code stderr.log}; they stay after a
   * stop and go with {@link #destroy}.
   *
   * @throws ProviderException for an instance id that is not a safe directory name
   */
  public Path logDir(String instanceId, int index) {
    return launcher.replicaDir(ImageResolver.checkInstanceId(instanceId), index);
  }

  /**
   * Stops supervising without stopping any replica, for a control-plane shutdown that leaves replicas running for
   * the next provider over the same run dir to adopt. Completes once operations in flight have finished; later
   * operations fail.
   */
  @Override
  public Future<Void> detach() {
    detached = true;
    supervisor.detach();
    instances.all().forEach(instance -> instance.slots().forEach(replicas::cancelBackoff));
    return onCaller(queue.idle().compose(v -> net.close()));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Future<ProviderHealth> health() {
    return onCaller(ready
        .compose(v -> vertx.executeBlocking(images::health, false))
        .otherwise(err -> new ProviderHealth(false, err.getMessage())));
  }

  @Override
  public Future<Void> validate(InstanceSpec spec) {
    return onCaller(vertx.executeBlocking(() -> {
      images.check(spec);
      return null;
    }, false));
  }

  @Override
  public Future<RunningInstance> apply(InstanceSpec spec) {
    return onInstance(spec.instanceId(), instance -> converge(instance, spec));
  }

  @Override
  public Future<RunningInstance> restart(InstanceSpec spec) {
    return onInstance(spec.instanceId(), instance -> replicas.stopAll(instance).compose(v -> converge(instance, spec)));
  }

  @Override
  public void interrupt(String instanceId) {
    ProcessInstance instance = instances.find(instanceId);
    if (instance != null) {
      instance.interrupt();
    }
  }

  @Override
  public Future<Void> stop(String instanceId) {
    return onInstance(instanceId, replicas::stopAll);
  }

  @Override
  public Future<Void> destroy(String instanceId) {
    return onInstance(instanceId, instance -> replicas.destroy(instance).map(v -> {
      instance.markGone();
      return v;
    }));
  }

  @Override
  public Future<RunningInstance> status(String instanceId) {
    return onCaller(ready.map(v -> {
      ProcessInstance instance = instances.find(instanceId);
      return instance == null ? RunningInstance.none(NAME + ":" + instanceId) : snapshot(instance);
    }));
  }

  @Override
  public Set<String> instanceIds() {
    return instances.knownIds();
  }

  @Override
  public void setListener(ProviderListener listener) {
    supervisor.listener(listener);
  }

  @Override
  public void setSecretSource(SecretSource source) {
    replicas.secretSource(source);
  }

  private Future<RunningInstance> converge(ProcessInstance instance, InstanceSpec spec) {
    return replicas.converge(instance, spec).map(started -> {
      started.forEach(supervisor::watch);
      return snapshot(instance);
    });
  }

  /** Runs the operation after adoption, in the instance's queue, refusing ids that could leave the run dir. */
  private <T> Future<T> onInstance(String instanceId, Function<ProcessInstance, Future<T>> operation) {
    if (detached) {
      return Future.failedFuture(new ProviderException("the process provider is detached"));
    }
    try {
      ImageResolver.checkInstanceId(instanceId);
    } catch (ProviderException e) {
      return Future.failedFuture(e);
    }
    return onCaller(ready.compose(v -> instances.run(instanceId, operation)));
  }

  private RunningInstance snapshot(ProcessInstance instance) {
    return instance.snapshot(NAME + ":" + instance.id(), host);
  }

  /** Our futures complete on whichever context did the last step; callers get theirs back. */
  private static <T> Future<T> onCaller(Future<T> result) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return result;
    }
    return Future.future(promise -> result.onComplete(ar -> caller.runOnContext(v -> promise.handle(ar))));
  }
}
