package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.provider.process.SerialQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ctrlplane's own supervision of containers (they run with no engine restart policy): every poll, the containers of
 * running replicas that are no longer running (exited, killed, or removed from outside) count as crashes; a crashed
 * replica's container is removed and a new one started after an exponential backoff, and the instance is given up
 * (its other replicas stopped, the listener told) when one replica crashes more than {@code maxRestarts} times in
 * the window: the process provider's rules.
 */
final class Supervisor {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final int MAX_DOUBLINGS = 30;

  private final Vertx vertx;
  private final DockerConfig config;
  private final SerialQueue queue;
  private final Containers containers;
  private final Prober prober;
  private final Function<DockerInstance, RunningInstance> snapshot;
  private volatile ProviderListener listener;
  private volatile boolean detached;

  Supervisor(Vertx vertx, DockerConfig config, SerialQueue queue, Containers containers, Prober prober,
      Function<DockerInstance, RunningInstance> snapshot) {
    this.vertx = vertx;
    this.config = config;
    this.queue = queue;
    this.containers = containers;
    this.prober = prober;
    this.snapshot = snapshot;
  }

  void listener(ProviderListener listener) {
    this.listener = listener;
  }

  void detach() {
    detached = true;
  }

  /**
   * Checks the replicas against the engine's list of this node's containers, taken by a request sent at
   * {@code listedAt} (nanoTime): only containers older than the list can be missing from it.
   */
  void check(Collection<DockerInstance> instances, List<JsonObject> listed, long listedAt) {
    if (detached) {
      return;
    }
    Map<String, String> states = new HashMap<>();
    listed.forEach(c -> states.put(c.getString("Id"), c.getString("State", "")));
    for (DockerInstance instance : instances) {
      for (DockerSlot slot : instance.slots()) {
        Container container = slot.container();
        if (container == null || slot.state() != DockerSlot.State.RUNNING || container.stopRequested()
            || container.attachedAt() > listedAt || isAlive(states.get(container.id()))) {
          continue;
        }
        if (container.markExitSeen()) {
          queue.submit(instance.id(), () -> exited(slot, container));
        }
      }
    }
  }

  /** Running, or paused by an operator (its process is still there): not a crash. */
  private static boolean isAlive(String state) {
    return "running".equalsIgnoreCase(state) || "paused".equalsIgnoreCase(state);
  }

  private Future<Void> exited(DockerSlot slot, Container container) {
    if (detached || container.stopRequested() || !slot.instance().isCurrent(slot) || slot.container() != container) {
      return Future.succeededFuture();
    }
    return prober.describeExit(container).compose(exit -> {
      LOG.warn("instance {} replica {} (container {}) exited unexpectedly with {}",
          slot.instance().id(), slot.index(), container.shortId(), exit);
      slot.crashed();
      return containers.stopAndRemove(container)
          .recover(failure -> {
            LOG.warn("cannot remove the exited container {}: {}", container.shortId(), failure.getMessage());
            return Future.succeededFuture();
          })
          .compose(v -> crashed(slot, exit));
    });
  }

  private Future<Void> crashed(DockerSlot slot, String lastExit) {
    if (slot.instance().spec() == null) {
      return lost(slot);
    }
    int crashes = slot.recordCrash(Instant.now(), config.restartWindow());
    if (crashes > config.maxRestarts()) {
      return giveUp(slot, crashes, lastExit);
    }
    Duration delay = backoff(crashes, config.restartBackoffMin(), config.restartBackoffMax());
    LOG.info("restarting instance {} replica {} in {}ms", slot.instance().id(), slot.index(), delay.toMillis());
    String instanceId = slot.instance().id();
    slot.backoffTimer(vertx.setTimer(delay.toMillis(), t -> queue.submit(instanceId, () -> restart(slot))));
    return Future.succeededFuture();
  }

  private Future<Void> restart(DockerSlot slot) {
    slot.takeBackoffTimer();
    if (detached || !slot.instance().isCurrent(slot) || slot.container() != null) {
      return Future.succeededFuture();
    }
    slot.restarts(slot.restarts() + 1);
    return containers.respawn(slot.instance(), slot).transform(ar -> {
      if (ar.failed()) {
        return respawnFailed(slot, ar.cause());
      }
      notifyListener(l -> l.instanceChanged(slot.instance().id(), snapshot.apply(slot.instance())));
      return Future.succeededFuture();
    });
  }

  /** A restart that did not come up is the next crash: its container goes, and the backoff doubles. */
  private Future<Void> respawnFailed(DockerSlot slot, Throwable cause) {
    LOG.warn("restart of instance {} replica {} failed: {}", slot.instance().id(), slot.index(), cause.getMessage());
    Container container = slot.container();
    slot.crashed();
    Future<Void> removed = container == null ? Future.succeededFuture()
        : containers.stopAndRemove(container).recover(ignored -> Future.succeededFuture());
    return removed.compose(v -> crashed(slot, "error: " + cause.getMessage()));
  }

  private Future<Void> giveUp(DockerSlot slot, int crashes, String lastExit) {
    String message = "replica " + slot.index() + " crashed " + crashes + " times in "
        + config.restartWindow().toSeconds() + "s; last " + lastExit;
    LOG.error("instance {} failed: {}", slot.instance().id(), message);
    return containers.stopAll(slot.instance())
        .recover(failure -> Future.succeededFuture())
        .onComplete(ar -> notifyListener(l -> l.instanceFailed(slot.instance().id(), message)));
  }

  /** An adopted replica cannot be restarted before the control plane hands over the spec again. */
  private Future<Void> lost(DockerSlot slot) {
    LOG.warn("adopted instance {} replica {} exited; it runs again once the instance is started",
        slot.instance().id(), slot.index());
    return containers.remove(slot)
        .recover(failure -> Future.succeededFuture())
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
