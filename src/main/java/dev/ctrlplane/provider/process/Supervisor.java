package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.RunningInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts replicas that exit on their own, with exponential backoff, and gives the instance up (stopping its other
 * replicas and telling the listener) when one replica crashes more than {@code maxRestarts} times in the window.
 */
final class Supervisor {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final int MAX_DOUBLINGS = 30;

  private final Vertx vertx;
  private final ProcessProviderConfig config;
  private final SerialQueue queue;
  private final Replicas replicas;
  private final Stopper stopper;
  private final Function<ProcessInstance, RunningInstance> snapshot;
  private volatile ProviderListener listener;
  private volatile boolean detached;

  Supervisor(Vertx vertx, ProcessProviderConfig config, SerialQueue queue, Replicas replicas, Stopper stopper,
      Function<ProcessInstance, RunningInstance> snapshot) {
    this.vertx = vertx;
    this.config = config;
    this.queue = queue;
    this.replicas = replicas;
    this.stopper = stopper;
    this.snapshot = snapshot;
  }

  void listener(ProviderListener listener) {
    this.listener = listener;
  }

  /** From now on exits are ignored: the replicas are left to whoever adopts them next. */
  void detach() {
    detached = true;
  }

  /** Handles the exit of the slot's current process, unless the provider stopped it itself. */
  void watch(ReplicaSlot slot) {
    ReplicaProcess process = slot.process();
    String instanceId = slot.instance().id();
    process.exit().onComplete(ar -> queue.submit(instanceId, () -> exited(slot, process)));
  }

  private Future<Void> exited(ReplicaSlot slot, ReplicaProcess process) {
    if (detached || process.stopRequested() || !slot.instance().isCurrent(slot) || slot.process() != process) {
      return Future.succeededFuture();
    }
    LOG.warn("instance {} replica {} (pid {}) exited unexpectedly with {}",
        slot.instance().id(), slot.index(), process.pid(), process.describeExit());
    slot.crashed();
    return stopper.killLeftovers(process).compose(v -> crashed(slot, process.describeExit()));
  }

  private Future<Void> crashed(ReplicaSlot slot, String lastExit) {
    if (slot.instance().spec() == null) {
      return lost(slot);
    }
    int crashes = slot.recordCrash(Instant.now(), config.restartWindow());
    if (crashes > config.maxRestarts()) {
      return giveUp(slot, crashes, lastExit);
    }
    Duration delay = backoff(crashes, config.restartBackoffMin(), config.restartBackoffMax());
    LOG.info("restarting instance {} replica {} in {}", slot.instance().id(), slot.index(), Durations.format(delay));
    String instanceId = slot.instance().id();
    slot.backoffTimer(vertx.setTimer(delay.toMillis(), t -> queue.submit(instanceId, () -> restart(slot))));
    return Future.succeededFuture();
  }

  private Future<Void> restart(ReplicaSlot slot) {
    slot.takeBackoffTimer();
    if (detached || !slot.instance().isCurrent(slot) || slot.process() != null) {
      return Future.succeededFuture();
    }
    slot.restarts(slot.restarts() + 1);
    return replicas.respawn(slot.instance(), slot).transform(ar -> {
      if (ar.failed()) {
        return respawnFailed(slot, ar.cause());
      }
      watch(slot);
      notifyListener(l -> l.instanceChanged(slot.instance().id(), snapshot.apply(slot.instance())));
      return Future.succeededFuture();
    });
  }

  /** A restart that did not come up is the next crash: counted when its process exits, now if it never spawned. */
  private Future<Void> respawnFailed(ReplicaSlot slot, Throwable cause) {
    LOG.warn("restart of instance {} replica {} failed: {}", slot.instance().id(), slot.index(), cause.getMessage());
    ReplicaProcess process = slot.process();
    if (process == null) {
      return crashed(slot, "error: " + cause.getMessage());
    }
    watch(slot);
    return process.exit().isComplete() ? Future.succeededFuture() : stopper.killLeftovers(process);
  }

  private Future<Void> giveUp(ReplicaSlot slot, int crashes, String lastExit) {
    String message = "replica " + slot.index() + " crashed " + crashes + " times in "
        + Durations.format(config.restartWindow()) + "; last " + lastExit;
    LOG.error("instance {} failed: {}", slot.instance().id(), message);
    return replicas.stopAll(slot.instance())
        .onComplete(ar -> notifyListener(l -> l.instanceFailed(slot.instance().id(), message)));
  }

  /** An adopted replica cannot be restarted before the control plane hands over the spec again (start/scale). */
  private Future<Void> lost(ReplicaSlot slot) {
    LOG.warn("adopted instance {} replica {} exited; it runs again once the instance is started",
        slot.instance().id(), slot.index());
    return replicas.remove(slot)
        .onComplete(ar -> notifyListener(l -> l.instanceChanged(slot.instance().id(), snapshot.apply(slot.instance()))));
  }

  /** {@code min} doubled for each crash after the first, capped at {@code max}. */
  static Duration backoff(int crashes, Duration min, Duration max) {
    Duration delay = min.multipliedBy(1L << Math.min(crashes - 1, MAX_DOUBLINGS));
    return delay.compareTo(max) > 0 ? max : delay;
  }

  private void notifyListener(Consumer<ProviderListener> call) {
    ProviderListener current = listener;
    if (current == null || detached) {
      return;
    }
    try {
      call.accept(current);
    } catch (RuntimeException e) {
      LOG.warn("provider listener failed", e);
    }
  }
}
