package dev.ctrlplane.deploy;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The watchdog of a deployment: one item per unfinished deployment, bound to its instance, so that the node running
 * the instance's replicas claims it. Each round makes sure that node drives the deployment: after the node that drove
 * it died and another took the instance over, the new owner continues it (or undoes it) within a round. The item
 * ends once the deployment is done.
 */
final class DriveJob implements Job {

  static final String KIND = "deploy.drive";
  static final Duration ROUND = Duration.ofSeconds(5);

  private final DeploymentStore store;
  private final Rollouts rollouts;

  DriveJob(DeploymentStore store, Rollouts rollouts) {
    this.store = store;
    this.rollouts = rollouts;
  }

  /** The watchdog item of a new deployment, first due a round from now (its drive starts at once anyway). */
  static ScheduleItem watch(Deployment deployment) {
    return ScheduleItem.every(KIND, deployment.id(), deployment.instanceId(),
        new JsonObject().put("deployment_id", deployment.id()), ROUND);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return ROUND;
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return store.find(item.key()).map(found -> {
      if (found.isEmpty() || found.get().phase() == Deployment.Phase.DONE) {
        return Outcome.done();
      }
      rollouts.ensureDriven(item.key());
      return Outcome.again();
    });
  }
}
