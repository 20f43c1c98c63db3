package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ReplicaPlan;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.SecretMaterial;
import dev.ctrlplane.provider.SecretSource;
import dev.ctrlplane.provider.process.RunDirs;
import dev.ctrlplane.provider.process.SecretFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops an instance's replicas as containers, one per replica start: a crashed replica's container is
 * removed and a new one created, with the secrets as they are stored then. Every method runs inside the instance's
 * turn of the {@code SerialQueue}.
 */
final class Containers {

  private static final Logger LOG = LoggerFactory.getLogger(Containers.class);
  private static final long INTERRUPT_CHECK_MILLIS = 100;

  private final Vertx vertx;
  private final DockerConfig config;
  private final Engine engine;
  private final Images images;
  private final Prober prober;
  private volatile SecretSource secrets = SecretSource.NONE;

  Containers(Vertx vertx, DockerConfig config, Engine engine, Images images, Prober prober) {
    this.vertx = vertx;
    this.config = config;
    this.engine = engine;
    this.images = images;
    this.prober = prober;
  }

  void secretSource(SecretSource source) {
    this.secrets = source;
  }

  Path instanceDir(String instanceId) {
    return config.stateDir().resolve(instanceId);
  }

  Path replicaDir(String instanceId, int index) {
    return instanceDir(instanceId).resolve(Integer.toString(index));
  }

  /**
   * Makes the instance's replicas match the spec's sets ({@link ReplicaPlan}): pulls the sets' images that the
   * engine lacks, stops the replicas no set keeps, starts the new ones and the kept ones waiting for a restart, and
   * waits until every kept and new replica listens. On failure stops the ones it started.
   *
   * @return the slots it started
   */
  Future<List<DockerSlot>> converge(DockerInstance instance, InstanceSpec spec) {
    Future<Void> pulled = unlessInterrupted(instance, Future.all(spec.sets().stream().map(ReplicaSet::image)
        .distinct().map(images::ensure).toList()).mapEmpty());
    return pulled.compose(v -> {
      instance.spec(spec);
      ReplicaPlan plan = ReplicaPlan.of(current(instance), spec.sets());
      return removeInTurn(plan.stop().stream().map(instance::slot).toList())
          .compose(stopped -> startAll(instance, spec, plan))
          .compose(started -> awaitAllUp(instance, plan, started));
    });
  }

  /**
   * The work's outcome, or a failure as soon as the instance is interrupted ({@code Provider.interrupt}): a
   * deployment cancelled while its image is still being pulled does not wait for the pull (which goes on, shared
   * with any other start that needs the image).
   */
  private <T> Future<T> unlessInterrupted(DockerInstance instance, Future<T> work) {
    if (work.isComplete()) {
      return work;
    }
    long seen = instance.interruptions();
    Promise<T> result = Promise.promise();
    long timer = vertx.setPeriodic(INTERRUPT_CHECK_MILLIS, t -> {
      if (instance.interruptions() != seen) {
        result.tryFail(new ProviderException("the wait for the image was interrupted"));
      }
    });
    work.onComplete(ar -> {
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(ar.cause());
      }
    });
    return result.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** Starts a crashed replica again from its release's set in the instance's spec; fails with why it is not up. */
  Future<Void> respawn(DockerInstance instance, DockerSlot slot) {
    InstanceSpec spec = instance.spec();
    ReplicaSet set = spec.set(slot.releaseId()).orElse(null);
    if (set == null) {
      return Future.failedFuture(new ProviderException("replica " + slot.index() + " runs release "
          + slot.releaseId() + ", which the instance no longer runs"));
    }
    return images.ensure(set.image())
        .compose(v -> start(instance, slot, spec, set))
        .compose(prober::awaitUp);
  }

  /** Stops every replica of the instance; fails (keeping the ones it could not stop) when the engine fails. */
  Future<Void> stopAll(DockerInstance instance) {
    return removeAll(instance.slots());
  }

  /** Stops every replica, then deletes the instance's state dir. */
  Future<Void> destroy(DockerInstance instance) {
    return stopAll(instance).compose(v -> vertx.executeBlocking(() -> {
      RunDirs.deleteTree(instanceDir(instance.id()));
      return null;
    }, false));
  }

  /**
   * Stops the slot's container (SIGTERM, SIGKILL after the grace period), removes it and its secret files, and
   * forgets the slot. Fails when the engine cannot be reached: the container may still run, so the slot stays.
   */
  Future<Void> remove(DockerSlot slot) {
    cancelBackoff(slot);
    DockerSlot.State before = slot.state();
    slot.state(DockerSlot.State.STOPPING);
    Container container = slot.container();
    Future<Void> gone = container == null ? Future.succeededFuture() : stopAndRemove(container);
    return gone.transform(done -> {
      if (done.failed()) {
        slot.state(before);
        return Future.failedFuture(done.cause());
      }
      slot.instance().remove(slot);
      return deleteSecrets(slot.instance().id(), slot.index());
    });
  }

  /** Stops and removes a container the provider no longer wants (its exit is ours). */
  Future<Void> stopAndRemove(Container container) {
    container.requestStop();
    return engine.stop(container.id(), config.stopGrace())
        .recover(failure -> {
          if (failure instanceof EngineException e && e.isNotFound()) {
            return Future.succeededFuture();
          }
          if (failure instanceof EngineException e && e.isUnreachable()) {
            return Future.failedFuture(failure);
          }
          LOG.info("stopping container {} failed ({}); killing it", container.shortId(), failure.getMessage());
          return engine.kill(container.id()).recover(ignored -> Future.succeededFuture());
        })
        .compose(v -> engine.remove(container.id()));
  }

  Future<Void> deleteSecrets(String instanceId, int index) {
    return vertx.<Void>executeBlocking(() -> {
      SecretFiles.delete(replicaDir(instanceId, index));
      return null;
    }, false).recover(failure -> {
      LOG.warn("cannot delete the secret files of replica {} of {}: {}", index, instanceId, failure.getMessage());
      return Future.succeededFuture();
    });
  }

  void cancelBackoff(DockerSlot slot) {
    long timer = slot.takeBackoffTimer();
    if (DockerSlot.isTimer(timer)) {
      vertx.cancelTimer(timer);
    }
  }

  private static List<ReplicaPlan.Current> current(DockerInstance instance) {
    return instance.slots().stream()
        .map(slot -> new ReplicaPlan.Current(slot.index(), slot.releaseId(), slot.image(), slot.container() != null))
        .toList();
  }

  private Future<Void> removeInTurn(List<DockerSlot> slots) {
    Future<Void> chain = Future.succeededFuture();
    for (DockerSlot slot : slots) {
      chain = chain.compose(v -> remove(slot));
    }
    return chain;
  }

  private Future<List<DockerSlot>> startAll(DockerInstance instance, InstanceSpec spec, ReplicaPlan plan) {
    List<DockerSlot> toStart = new ArrayList<>();
    plan.keep().forEach((index, set) -> {
      DockerSlot slot = instance.slot(index);
      slot.release(set.releaseId(), set.image());
      if (slot.container() == null) {
        toStart.add(slot);
      }
    });
    plan.start().forEach((index, set) -> toStart.add(instance.newSlot(index, set.releaseId(), set.image())));
    List<Future<DockerSlot>> starts = toStart.stream()
        .map(slot -> start(instance, slot, spec, spec.set(slot.releaseId()).orElseThrow()))
        .toList();
    return Future.join(starts).transform(ar -> ar.succeeded()
        ? Future.succeededFuture(toStart)
        : removeQuietly(toStart).compose(v -> Future.failedFuture(ar.cause())));
  }

  /**
   * Creates and starts the slot's container with the instance's secrets as they are stored now: env secrets in its
   * environment, file secrets written to its state dir (0700, files 0600) and bind-mounted read-only. A container
   * left with the slot's name (by a killed control plane) is removed first.
   */
  private Future<DockerSlot> start(DockerInstance instance, DockerSlot slot, InstanceSpec spec, ReplicaSet set) {
    cancelBackoff(slot);
    slot.state(DockerSlot.State.STARTING);
    String name = ContainerSpec.name(config.nodeName(), instance.id(), slot.index());
    int restarts = slot.restarts();
    return secrets.materialFor(spec.instanceId(), spec.tenantId())
        .recover(failure -> Future.failedFuture(new ProviderException("replica " + slot.index() + " not started: "
            + failure.getMessage())))
        .compose(material -> {
          Future<Path> dir = config.archiveSecrets()
              ? Future.succeededFuture(null)
              : writeSecrets(instance.id(), slot.index(), material);
          return dir.map(secretsDir -> {
            JsonObject body = ContainerSpec.of(config, spec, set, material.env(), secretsDir, slot.index(), restarts);
            Buffer archive = config.archiveSecrets() ? SecretArchive.of(material.files()) : null;
            return new Launch(body, archive);
          }).andThen(ar -> material.wipe());
        })
        .compose(launch -> engine.remove(name).compose(v -> engine.create(name, launch.body()))
            .compose(id -> copySecrets(id, launch.archive()).map(id)))
        .compose(id -> engine.start(id)
            .compose(v -> engine.inspect(id))
            .recover(failure -> engine.remove(id).transform(ignored -> Future.failedFuture(failure)))
            .map(inspect -> {
              int hostPort = ContainerSpec.hostPort(inspect, ContainerSpec.servingPort(spec, config));
              slot.attach(new Container(id, hostPort, startedAt(inspect)), DockerSlot.State.STARTING);
              return slot;
            }))
        .recover(failure -> Future.failedFuture(failure instanceof ProviderException
            ? failure
            : new ProviderException("replica " + slot.index() + " not started: " + failure.getMessage())));
  }

  /** The container's body, and its secret files' archive when they are copied in (null when bind-mounted). */
  private record Launch(JsonObject body, Buffer archive) {}

  /** Copies the secret files into the created container, then wipes the archive; a failure removes the container. */
  private Future<Void> copySecrets(String id, Buffer archive) {
    if (archive == null) {
      return Future.succeededFuture();
    }
    return engine.putArchive(id, archive)
        .andThen(ar -> archive.setBytes(0, new byte[archive.length()]))
        .recover(failure -> engine.remove(id).transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<Path> writeSecrets(String instanceId, int index, SecretMaterial material) {
    return vertx.executeBlocking(() -> {
      Path dir = Files.createDirectories(replicaDir(instanceId, index));
      return SecretFiles.write(dir, material.files());
    }, false);
  }

  static Instant startedAt(JsonObject inspect) {
    try {
      return Instant.parse(inspect.getJsonObject("State", new JsonObject()).getString("StartedAt"));
    } catch (RuntimeException unparsable) {
      return Instant.now();
    }
  }

  private Future<List<DockerSlot>> awaitAllUp(DockerInstance instance, ReplicaPlan plan, List<DockerSlot> started) {
    List<Future<Void>> probes = new ArrayList<>();
    plan.keep().keySet().forEach(index -> probes.add(prober.awaitUp(instance.slot(index))));
    plan.start().keySet().forEach(index -> probes.add(prober.awaitUp(instance.slot(index))));
    return Future.join(probes).transform(all -> {
      Throwable problem = probes.stream().map(Future::cause).filter(Objects::nonNull).findFirst().orElse(null);
      return problem == null
          ? Future.succeededFuture(started)
          : removeQuietly(started).compose(v -> Future.failedFuture(problem));
    });
  }

  private Future<Void> removeAll(Collection<DockerSlot> slots) {
    List<Future<Void>> removals = slots.stream().map(this::remove).toList();
    return Future.join(removals).transform(all -> {
      Throwable problem = removals.stream().map(Future::cause).filter(Objects::nonNull).findFirst().orElse(null);
      return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
    });
  }

  private Future<Void> removeQuietly(Collection<DockerSlot> slots) {
    return removeAll(slots).recover(failure -> {
      LOG.warn("cleaning up replicas failed: {}", failure.getMessage());
      return Future.succeededFuture();
    });
  }
}
