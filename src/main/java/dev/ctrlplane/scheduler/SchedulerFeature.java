package dev.ctrlplane.scheduler;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler (design: {@code scheduler/}): one verticle per node that runs the jobs every other feature
 * contributes, each due item once cluster-wide. Wired last, once the features whose jobs it runs are deployed.
 */
public final class SchedulerFeature implements Feature {

  private final NodeServices node;
  private final List<Job> jobs;

  private SchedulerFeature(NodeServices node, List<Job> jobs) {
    this.node = node;
    this.jobs = jobs;
  }

  /** The features followed by the scheduler that runs their jobs. */
  public static List<Feature> after(NodeServices node, List<Feature> features) {
    List<Job> jobs = features.stream().flatMap(feature -> feature.jobs().stream()).toList();
    List<Feature> all = new ArrayList<>(features);
    all.add(new SchedulerFeature(node, jobs));
    return List.copyOf(all);
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(new SchedulerVerticle(jobs, node.transactions(), node.config().scheduler()));
  }
}
