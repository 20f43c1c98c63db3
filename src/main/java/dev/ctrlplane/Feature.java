package dev.ctrlplane;

import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.scheduler.Job;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * One feature of a node (instances, admin, secrets, ...): the verticles it deploys on the bus and the routes it mounts
 * on the HTTP edge. {@link ControlPlane} wires a node as a list of features, in the order their dependencies need:
 * every feature is deployed before the edge starts, and {@link #started} runs once the edge listens.
 */
public interface Feature {

  /** Deploys the feature's verticles on this node; completes once their consumers are registered. */
  Future<?> deploy(Vertx vertx);

  /** Mounts the feature's HTTP routes; called once for each edge verticle (one per event loop). */
  default void mount(Router router, Gateway gateway) {}

  /** The scheduled work of the feature (periodic and due items), run by the node's scheduler. */
  default List<Job> jobs() {
    return List.of();
  }

  /** Background work that starts once the node serves (e.g. a reconcile); its failure is logged, not fatal. */
  default Future<?> started() {
    return Future.succeededFuture();
  }
}
