package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
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

  Replicas(Vertx vertx, ImageResolver images, PortAllocator ports, Launcher launcher, Stopper stopper, Prober prober) {
    this.vertx = vertx;
    this.images = images;
    this.ports = ports;
    this.launcher = launcher;
    this.stopper = stopper;
    this.prober = prober;
  }

  /**
   * Makes exactly {@code spec.replicas()} replicas run: stops extra ones (highest index first), keeps running ones,
   * starts missing ones and waits until all listen. On failure stops the ones it started.
   *
   * @return the slots it started, for supervision
   */
  Future<List<ReplicaSlot>> converge(ProcessInstance instance, InstanceSpec spec) {
    return vertx.executeBlocking(() -> images.resolve(spec.image()), false)
        .compose(executable -> {
          instance.spec(spec);
          return stopFrom(instance, spec.replicas()).compose(v -> startMissing(instance, spec, executable));
        })
        .compose(started -> awaitAllUp(instance, spec.replicas(), started));
  }

  /** Starts a crashed replica again from the instance's spec; fails with why it is not up. */
  Future<Void> respawn(ProcessInstance instance, ReplicaSlot slot) {
    InstanceSpec spec = instance.spec();
    return vertx.executeBlocking(() -> images.resolve(spec.image()), false)
        .compose(executable -> spawn(instance, slot, spec, executable))
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
          ReplicaFile.delete(launcher.replicaDir(slot.instance().id(), slot.index()));
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

  private Future<Void> stopFrom(ProcessInstance instance, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (ReplicaSlot slot : instance.slotsFrom(count, true)) {
      chain = chain.compose(v -> remove(slot));
    }
    return chain;
  }

  private Future<List<ReplicaSlot>> startMissing(ProcessInstance instance, InstanceSpec spec, Path executable) {
    List<ReplicaSlot> missing = IntStream.range(0, spec.replicas())
        .mapToObj(instance::slotOrNew)
        .filter(slot -> slot.process() == null)
        .toList();
    List<Future<ReplicaSlot>> spawns = missing.stream().map(slot -> spawn(instance, slot, spec, executable)).toList();
    return Future.join(spawns).transform(ar -> ar.succeeded()
        ? Future.succeededFuture(missing)
        : removeAll(missing).compose(v -> Future.failedFuture(ar.cause())));
  }

  /**
   * Spawns the slot's process and writes its pid file in the same blocking task, right after the spawn, so that a
   * control plane killed at any moment leaves as few unrecorded replicas as can be (the next one finds those too,
   * {@link UnrecordedReplicas}).
   */
  private Future<ReplicaSlot> spawn(ProcessInstance instance, ReplicaSlot slot, InstanceSpec spec, Path executable) {
    cancelBackoff(slot);
    slot.state(ReplicaState.STARTING);
    int restarts = slot.restarts();
    return vertx.executeBlocking(() -> {
          slot.port(slot.port() == 0 ? ports.allocate() : ports.renew(slot.port()));
          instance.markOnDisk();
          ReplicaProcess process = launcher.spawn(spec, executable, slot.index(), slot.port());
          try {
            new ReplicaFile(process.pid(), process.startTicks(), slot.port(), process.startedAt(), restarts,
                spec.image()).write(launcher.replicaDir(instance.id(), slot.index()));
          } catch (RuntimeException unrecorded) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly); // never leave one unknown
            throw unrecorded;
          }
          return process;
        }, false)
        .map(process -> {
          slot.attach(process, ReplicaState.STARTING);
          return slot;
        });
  }

  private Future<List<ReplicaSlot>> awaitAllUp(ProcessInstance instance, int count, List<ReplicaSlot> started) {
    List<Future<Void>> probes = instance.slotsFrom(0, false).stream()
        .filter(slot -> slot.index() < count)
        .map(prober::awaitUp)
        .toList();
    return Future.join(probes).transform(all -> {
      Throwable problem = probes.stream().map(Future::cause).filter(Objects::nonNull).findFirst().orElse(null);
      return problem == null
          ? Future.succeededFuture(started)
          : removeAll(started).compose(v -> Future.failedFuture(problem));
    });
  }

  private Future<Void> removeAll(Collection<ReplicaSlot> slots) {
    return Future.join(slots.stream().map(this::remove).toList()).mapEmpty();
  }
}
