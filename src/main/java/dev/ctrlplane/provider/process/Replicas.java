package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ReplicaPlan;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.SecretSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts and stops an instance's replicas. Every method runs inside the instance's {@link SerialQueue}. */
final class Replicas {

  private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

  private final Vertx vertx;
  private final ImageResolver images;
  private final PortAllocator ports;
  private final Launcher launcher;
  private final Stopper stopper;
  private final Prober prober;
  private volatile SecretSource secrets = SecretSource.NONE;

  Replicas(Vertx vertx, ImageResolver images, PortAllocator ports, Launcher launcher, Stopper stopper, Prober prober) {
    this.vertx = vertx;
    this.images = images;
    this.ports = ports;
    this.launcher = launcher;
    this.stopper = stopper;
    this.prober = prober;
  }

  /** Where each spawn gets the instance's decrypted secrets from. */
  void secretSource(SecretSource source) {
    this.secrets = source;
  }

  /**
   * Makes the instance's replicas match the spec's sets ({@link ReplicaPlan}): stops the replicas no set keeps
   * (highest index first), spawns the new ones and the kept ones that wait for a restart, and waits until every kept
   * and new replica listens. On failure stops the ones it spawned.
   *
   * @return the slots it spawned, for supervision
   */
  Future<List<ReplicaSlot>> converge(ProcessInstance instance, InstanceSpec spec) {
    return vertx.executeBlocking(() -> executables(spec), false)
        .compose(executables -> {
          instance.spec(spec);
          ReplicaPlan plan = ReplicaPlan.of(current(instance), spec.sets());
          return stopAll(plan.stop().stream().map(instance::slot).toList())
              .compose(v -> spawnAll(instance, spec, plan, executables))
              .compose(spawned -> awaitAllUp(instance, plan, spawned));
        });
  }

  /** Starts a crashed replica again from its release's set in the instance's spec; fails with why it is not up. */
  Future<Void> respawn(ProcessInstance instance, ReplicaSlot slot) {
    InstanceSpec spec = instance.spec();
    ReplicaSet set = spec.set(slot.releaseId()).orElse(null);
    if (set == null) {
      return Future.failedFuture(new ProviderException("replica " + slot.index() + " runs release "
          + slot.releaseId() + ", which the instance no longer runs"));
    }
    return vertx.executeBlocking(() -> images.resolve(set.image()), false)
        .compose(executable -> spawn(instance, slot, spec, set, executable))
        .compose(prober::awaitUp);
  }

  /** Stops every replica of the instance at once. Never fails. */
  Future<Void> stopAll(ProcessInstance instance) {
    return removeAll(instance.slots());
  }

  /** Stops every replica, then deletes the instance's run dir (logs included). */
  Future<Void> destroy(ProcessInstance instance) {
    return stopAll(instance).compose(v -> vertx.executeBlocking(() -> {
      RunDirs.deleteTree(launcher.instanceDir(instance.id()));
      return null;
    }, false));
  }

  /** Stops the slot's process (if any), then forgets the slot and frees its port and pid file. Never fails. */
  Future<Void> remove(ReplicaSlot slot) {
    cancelBackoff(slot);
    slot.state(ReplicaState.STOPPING);
    ReplicaProcess process = slot.process();
    Future<Void> stopped = process == null ? Future.succeededFuture() : stopper.stop(process);
    return stopped
        .compose(v -> vertx.<Void>executeBlocking(() -> {
          Path replicaDir = launcher.replicaDir(slot.instance().id(), slot.index());
          ReplicaFile.delete(replicaDir);
          SecretFiles.delete(replicaDir);
          return null;
        }, false))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("cleaning up replica {} of instance {} failed", slot.index(), slot.instance().id(), ar.cause());
          }
          slot.instance().remove(slot);
          ports.release(slot.port());
          return Future.succeededFuture();
        });
  }

  void cancelBackoff(ReplicaSlot slot) {
    long timer = slot.takeBackoffTimer();
    if (ReplicaSlot.isTimer(timer)) {
      vertx.cancelTimer(timer);
    }
  }

  private Map<String, Path> executables(InstanceSpec spec) {
    Map<String, Path> executables = new HashMap<>();
    spec.sets().forEach(set -> executables.put(set.releaseId(), images.resolve(set.image())));
    return executables;
  }

  private static List<ReplicaPlan.Current> current(ProcessInstance instance) {
    return instance.slots().stream()
        .map(slot -> new ReplicaPlan.Current(slot.index(), slot.releaseId(), slot.image(), slot.process() != null))
        .toList();
  }

  private Future<Void> stopAll(List<ReplicaSlot> slots) {
    Future<Void> chain = Future.succeededFuture();
    for (ReplicaSlot slot : slots) {
      chain = chain.compose(v -> remove(slot));
    }
    return chain;
  }

  /** Spawns the plan's new replicas and the kept ones without a process (waiting out a crash backoff). */
  private Future<List<ReplicaSlot>> spawnAll(ProcessInstance instance, InstanceSpec spec, ReplicaPlan plan,
      Map<String, Path> executables) {
    List<ReplicaSlot> toSpawn = new ArrayList<>();
    plan.keep().forEach((index, set) -> {
      ReplicaSlot slot = instance.slot(index);
      slot.release(set.releaseId(), set.image());
      if (slot.process() == null) {
        toSpawn.add(slot);
      }
    });
    plan.start().forEach((index, set) -> toSpawn.add(instance.newSlot(index, set.releaseId(), set.image())));
    List<Future<ReplicaSlot>> spawns = toSpawn.stream().map(slot -> {
      ReplicaSet set = spec.set(slot.releaseId()).orElseThrow();
      return spawn(instance, slot, spec, set, executables.get(set.releaseId()));
    }).toList();
    return Future.join(spawns).transform(ar -> ar.succeeded()
        ? Future.succeededFuture(toSpawn)
        : removeAll(toSpawn).compose(v -> Future.failedFuture(ar.cause())));
  }

  /**
   * Spawns the slot's process with the instance's secrets as they are stored now, decrypted just for this spawn, and
   * writes its pid file in the same blocking task, right after the spawn, so that a control plane killed at any
   * moment leaves as few unrecorded replicas as can be (the next one finds those too, {@link UnrecordedReplicas}).
   */
  private Future<ReplicaSlot> spawn(ProcessInstance instance, ReplicaSlot slot, InstanceSpec spec, ReplicaSet set,
      Path executable) {
    cancelBackoff(slot);
    slot.state(ReplicaState.STARTING);
    int restarts = slot.restarts();
    return secrets.materialFor(spec.instanceId(), spec.tenantId())
        .recover(failure -> Future.failedFuture(new ProviderException("replica " + slot.index() + " not started: "
            + failure.getMessage())))
        .compose(material -> vertx.executeBlocking(() -> {
          ReplicaProcess process;
          try {
            slot.port(slot.port() == 0 ? ports.allocate() : ports.renew(slot.port()));
            instance.markOnDisk();
            process = launcher.spawn(spec, set, material, executable, slot.index(), slot.port());
          } finally {
            material.wipe();
          }
          try {
            new ReplicaFile(process.pid(), process.startTicks(), slot.port(), process.startedAt(), restarts,
                set.image(), set.releaseId()).write(launcher.replicaDir(instance.id(), slot.index()));
          } catch (RuntimeException unrecorded) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly); // never leave one unknown
            throw unrecorded;
          }
          return process;
        }, false))
        .map(process -> {
          slot.attach(process, ReplicaState.STARTING);
          return slot;
        });
  }

  private Future<List<ReplicaSlot>> awaitAllUp(ProcessInstance instance, ReplicaPlan plan, List<ReplicaSlot> spawned) {
    List<Future<Void>> probes = new ArrayList<>();
    plan.keep().keySet().forEach(index -> probes.add(prober.awaitUp(instance.slot(index))));
    plan.start().keySet().forEach(index -> probes.add(prober.awaitUp(instance.slot(index))));
    return Future.join(probes).transform(all -> {
      Throwable problem = probes.stream().map(Future::cause).filter(Objects::nonNull).findFirst().orElse(null);
      return problem == null
          ? Future.succeededFuture(spawned)
          : removeAll(spawned).compose(v -> Future.failedFuture(problem));
    });
  }

  private Future<Void> removeAll(Collection<ReplicaSlot> slots) {
    return Future.join(slots.stream().map(this::remove).toList()).mapEmpty();
  }
}
