package dev.ctrlplane.instance;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ReplicaPlan;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How each command changes an instance: pure functions from the current version to the next. */
final class InstanceChanges {

  private InstanceChanges() {}

  static Instance patch(Instance current, String name, Map<String, String> labels, Map<String, String> env) {
    Instance.Edit edit = current.edit();
    if (name != null) {
      edit.name = name;
      edit.slug = InstanceInput.slugOf(name);
    }
    if (labels != null) {
      edit.labels = new JsonObject(new LinkedHashMap<>(labels));
    }
    if (env != null) {
      edit.env = new JsonObject(new LinkedHashMap<>(env));
    }
    return edit.done();
  }

  /** The instance as an accepted action leaves it: in the action's transitional state. */
  static Instance apply(Instance current, InstanceAction action, Resources resources, String reason) {
    Instance.Edit edit = current.edit();
    edit.state = action.transitionalState();
    edit.statusMessage = null;
    switch (action) {
      case SCALE -> {
        edit.resources = resources;
        if (current.state() == InstanceState.STOPPED) {
          edit.state = InstanceState.STOPPED; // nothing runs: the new size applies at the next start
        }
      }
      case SUSPEND -> {
        edit.suspendedAt = Times.now();
        edit.suspendReason = reason;
        edit.suspendedByTenant = false;
      }
      case UNSUSPEND -> {
        edit.suspendedAt = null;
        edit.suspendReason = null;
        edit.suspendedByTenant = false;
      }
      default -> { }
    }
    return edit.done();
  }

  /**
   * Suspended because its tenant was: unsuspending the tenant will resume it. A deployment in progress loses the
   * instance (its driver sees that and ends it), so the instance resumes on its current release.
   */
  static Instance suspendedWithTenant(Instance current, String reason) {
    Instance.Edit edit = current.edit();
    edit.replicaSets = null;
    edit.deploymentId = null;
    edit.state = InstanceState.SUSPENDING;
    edit.statusMessage = null;
    edit.suspendedAt = Times.now();
    edit.suspendReason = reason == null ? "tenant suspended" : "tenant suspended: " + reason;
    edit.suspendedByTenant = true;
    return edit.done();
  }

  /** Resumed with its tenant: it starts again. */
  static Instance resumedWithTenant(Instance current) {
    Instance.Edit edit = current.edit();
    edit.state = InstanceState.STARTING;
    edit.statusMessage = null;
    edit.suspendedAt = null;
    edit.suspendReason = null;
    edit.suspendedByTenant = false;
    return edit.done();
  }

  /** The instance once the runtime finished its work: settled in {@code state}. */
  static Instance settled(Instance current, InstanceState state, RunningInstance running, String message) {
    Instance.Edit edit = current.edit();
    edit.state = state;
    edit.statusMessage = message;
    if (running != null) {
      edit.providerRef = running.providerRef();
      edit.endpoints = servingEndpoints(current, running);
    }
    if (state == InstanceState.STOPPED || state == InstanceState.SUSPENDED || state == InstanceState.FAILED) {
      edit.endpoints = List.of();
    }
    return edit.done();
  }

  /** The endpoints of the ready replicas of the instance's serving sets: where its traffic goes. */
  static List<Endpoint> servingEndpoints(Instance instance, RunningInstance running) {
    Set<String> serving = new HashSet<>();
    instance.desiredSets().stream().filter(DesiredSet::serving).forEach(set -> serving.add(set.set().releaseId()));
    return running.endpointsOf(serving::contains);
  }

  /** The instance's endpoints less those of the replicas that applying {@code spec} to {@code now} would stop. */
  static List<Endpoint> withoutStopping(Instance instance, RunningInstance now,
      InstanceSpec spec) {
    List<ReplicaPlan.Current> held = now.replicas().stream()
        .map(r -> new ReplicaPlan.Current(r.index(), r.releaseId(), null, r.pid() > 0 || r.ready()))
        .toList();
    Set<Integer> stopping = Set.copyOf(ReplicaPlan.of(held, spec.sets()).stop());
    Set<String> leaving = new HashSet<>();
    now.replicas().stream().filter(r -> stopping.contains(r.index()) && r.endpoint() != null)
        .forEach(r -> leaving.add(r.endpoint().url()));
    return instance.endpoints().stream().filter(e -> !leaving.contains(e.url())).toList();
  }

  static JsonObject auditDetails(InstanceAction action, Instance saved, String reason) {
    JsonObject details = new JsonObject().put("state", saved.state().wire());
    if (action == InstanceAction.SCALE) {
      details.put("resources", saved.resources().toJson());
    }
    if (reason != null) {
      details.put("reason", reason);
    }
    return details;
  }
}
