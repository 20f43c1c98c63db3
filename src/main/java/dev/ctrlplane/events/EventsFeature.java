package dev.ctrlplane.events;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.RetentionJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Events (SPEC §11): stored with each change and published after its commit; old ones pruned by retention. */
public final class EventsFeature implements Feature {

  private final NodeServices node;

  public EventsFeature(NodeServices node) {
    this.node = node;
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return Future.succeededFuture();
  }

  @Override
  public List<Job> jobs() {
    return List.of(new RetentionJob("events", node.pool(), node.config().events().retention(), EventStore::prune));
  }
}
