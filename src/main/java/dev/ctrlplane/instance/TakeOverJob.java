package dev.ctrlplane.instance;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.NodeStore;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Take-over of a dead node's instances (one cluster-wide item): a node whose heartbeat is older than
 * {@code scheduler.node_timeout} is dead, and each of its instances moves to a living node, spread by instance id,
 * which starts its replicas. Until this node has itself been up for a node timeout it does nothing: the other nodes
 * of a cluster that starts together must have had the time to write their first heartbeat.
 */
final class TakeOverJob implements Job {

  static final String KIND = "instance.take_over";
  private static final int BATCH = 200;

  private final InstanceStore store;
  private final InstanceRuntime runtime;
  private final NodeStore nodes;
  private final Duration nodeTimeout;
  private final Duration interval;
  private final Instant startedAt = Instant.now();

  TakeOverJob(InstanceStore store, InstanceRuntime runtime, NodeStore nodes, Duration nodeTimeout,
      Duration interval) {
    this.store = store;
    this.runtime = runtime;
    this.nodes = nodes;
    this.nodeTimeout = nodeTimeout;
    this.interval = interval;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return nodeTimeout;
  }

  @Override
  public List<ScheduleItem> standing() {
    return List.of(ScheduleItem.every(KIND, "cluster", null, null, interval));
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    if (Instant.now().isBefore(startedAt.plus(nodeTimeout))) {
      return Future.succeededFuture(Outcome.again());
    }
    return nodes.alive(nodeTimeout).compose(alive -> alive.isEmpty()
        ? Future.succeededFuture(Outcome.again())
        : store.onNodesOtherThan(alive, BATCH).compose(orphaned -> Future.join(orphaned.stream()
            .map(instance -> runtime.moveTo(instance, heir(instance, alive))).toList()))
            .map(moved -> Outcome.again()));
  }

  /** The living node an instance moves to: the same one on every node that looks, spread by instance id. */
  private static String heir(Instance instance, List<String> alive) {
    return alive.get(Math.floorMod(instance.id().hashCode(), alive.size()));
  }
}
