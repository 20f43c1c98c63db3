package dev.ctrlplane.deploy;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.instance.InstanceRuntime;
import dev.ctrlplane.instance.InstanceStore;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.store.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment drivers of this node: a deployment is driven on the node that runs its instance's replicas (the
 * provider and the health probes are there), one {@link Drive} per deployment at a time. A deployment accepted on
 * another node is handed over on {@code ctrlplane.deployments.node.<name>}; at start-up a node picks up every
 * unfinished deployment of the instances it runs, so a restart in the middle continues or undoes it.
 */
public final class Rollouts {

  private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);
  private static final String NODE_ADDRESS_PREFIX = "ctrlplane.deployments.node.";
  private static final long HAND_OVER_TIMEOUT_MS = 10_000;
  private static final long PAUSE_MS = 200;

  /** What a drive needs; one per node. */
  record Parts(Vertx vertx, DeploymentStore store, InstanceStore instances, InstanceRuntime runtime,
      Transactions transactions, Providers providers, ReplicaGate gate, DeployConfig config, String node,
      Rollouts rollouts) {

    Future<Void> pause() {
      return timer(Duration.ofMillis(PAUSE_MS));
    }

    Future<Void> timer(Duration delay) {
      return vertx.timer(Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS).mapEmpty();
    }
  }

  private final Parts parts;
  private final Map<String, Future<Void>> driving = new ConcurrentHashMap<>();

  Rollouts(Vertx vertx, DeploymentStore store, InstanceStore instances, InstanceRuntime runtime,
      Transactions transactions, Providers providers, ReplicaGate gate, DeployConfig config) {
    this.parts = new Parts(vertx, store, instances, runtime, transactions, providers, gate, config,
        transactions.node(), this);
  }

  static String nodeAddress(String node) {
    return NODE_ADDRESS_PREFIX + node;
  }

  String node() {
    return parts.node();
  }

  /** After a commit: the deployment is driven where its instance runs. Returns at once. */
  void kick(Deployment deployment) {
    if (deployment.phase() == Deployment.Phase.DONE) {
      return;
    }
    parts.instances().find(deployment.instanceId()).onSuccess(found -> found.ifPresent(instance -> {
      if (parts.node().equals(instance.node())) {
        drive(deployment.id());
      } else {
        handOver(instance.node(), deployment.id());
      }
    }));
  }

  /** Drives the deployment here; while a drive of it runs, that one (which reads the store at each step) goes on. */
  Future<Void> drive(String deploymentId) {
    Promise<Void> mine = Promise.promise();
    Future<Void> running = driving.putIfAbsent(deploymentId, mine.future());
    if (running != null) {
      interruptIfUndoing(deploymentId);
      return running;
    }
    new Drive(parts, deploymentId).run().onComplete(done -> {
      driving.remove(deploymentId, mine.future());
      if (done.failed()) {
        LOG.warn("driving deployment {} stopped: {}", deploymentId, done.cause().getMessage());
      }
      mine.complete();
    });
    return mine.future();
  }

  /**
   * A cancel reached a deployment whose drive may be waiting for a starting replica: the provider stops waiting, so
   * the undo begins now rather than at the replica's start timeout.
   */
  private void interruptIfUndoing(String deploymentId) {
    parts.store().find(deploymentId).onSuccess(found -> found
        .filter(d -> d.phase() == Deployment.Phase.UNDO)
        .ifPresent(d -> parts.instances().find(d.instanceId()).onSuccess(instance -> instance
            .filter(i -> parts.node().equals(i.node()))
            .ifPresent(parts.runtime()::interrupt))));
  }

  /**
   * The watchdog's round for a deployment of an instance this node runs: when no drive of it runs here (the node that
   * drove it died and this one took the instance over, or a hand-over was lost), one starts.
   */
  void ensureDriven(String deploymentId) {
    if (!driving.containsKey(deploymentId)) {
      LOG.info("deployment {} is not being driven; node {} continues it", deploymentId, parts.node());
      drive(deploymentId);
    }
  }

  /** At start-up: continue, or undo, every unfinished deployment of the instances this node runs. */
  Future<Void> resumeNode() {
    return parts.store().unfinishedOnNode(parts.node()).map(unfinished -> {
      unfinished.forEach(d -> drive(d.id()));
      return null;
    });
  }

  private void handOver(String owner, String deploymentId) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Call.ACTION, "drive")
        .setSendTimeout(HAND_OVER_TIMEOUT_MS);
    parts.vertx().eventBus().request(nodeAddress(owner), new JsonObject().put("id", deploymentId), options)
        .onFailure(failure -> {
          boolean gone = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
          LOG.warn("deployment {} could not be handed to node {} ({}); it continues when that node's instances "
              + "are driven again", deploymentId, owner, gone ? "no such node" : failure.getMessage());
        });
  }
}
