package dev.ctrlplane.deploy;

import dev.ctrlplane.instance.DesiredSet;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.release.Release;
import java.util.List;

/** How a deployment changes its instance: pure functions from one version of the instance to the next. */
final class Deployments {

  private Deployments() {}

  /** The deployment owns the instance: lifecycle actions wait for it (409) until it lets go. */
  static Instance ownedBy(Instance current, Deployment deployment) {
    Instance.Edit edit = current.edit();
    edit.deploymentId = deployment.id();
    return edit.done();
  }

  /** The instance runs {@code sets} now: one step of the deployment. */
  static Instance stepped(Instance current, List<DesiredSet> sets) {
    Instance.Edit edit = current.edit();
    edit.replicaSets = sets;
    return edit.done();
  }

  /** The release is the instance's current one: its image and env, at rest on it. */
  static Instance onRelease(Instance current, Release release) {
    Instance.Edit edit = current.edit();
    edit.image = release.image();
    edit.env = release.env();
    edit.currentReleaseId = release.id();
    return edit.done();
  }

  /**
   * The deployment lets go of the instance, at rest on its current release. {@code running}: the release runs, so a
   * failed instance starts again (the runtime then settles it running, with its events).
   */
  static Instance released(Instance current, boolean running) {
    Instance.Edit edit = current.edit();
    edit.replicaSets = null;
    edit.deploymentId = null;
    if (running && current.state() == InstanceState.FAILED) {
      edit.state = InstanceState.STARTING;
      edit.statusMessage = null;
    }
    return edit.done();
  }

  /** The deployment lets go of an instance whose previous release could not be restored either. */
  static Instance lost(Instance current, String message) {
    Instance.Edit edit = current.edit();
    edit.replicaSets = null;
    edit.deploymentId = null;
    edit.state = InstanceState.FAILED;
    edit.statusMessage = message;
    return edit.done();
  }
}
