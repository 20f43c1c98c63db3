package dev.ctrlplane.health;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs a check once against every running replica of its instance, on this node (the one whose loopback the replicas
 * listen on). Replicas still starting or being stopped are not probed: they serve no one yet, or any more.
 */
public final class HealthRunner {

  private static final Set<String> PROBED_STATES = Set.of("running", "restarting");

  private final Providers providers;
  private final Probes probes;
  private final HealthConfig config;
  private final HealthMetrics metrics = new HealthMetrics();

  public HealthRunner(Providers providers, Probes probes, HealthConfig config) {
    this.providers = providers;
    this.probes = probes;
    this.config = config;
  }

  HealthMetrics metrics() {
    return metrics;
  }

  public Future<CheckRun> run(HealthCheck check, Instance instance) {
    return run(check, ProbeSubject.of(instance));
  }

  public Future<CheckRun> run(HealthCheck check, ProbeSubject instance) {
    return providers.get(instance.providerName()).status(instance.instanceId())
        .map(running -> running.replicas().stream().filter(r -> PROBED_STATES.contains(r.state())).toList())
        .compose(replicas -> probeAll(check, instance, replicas));
  }

  /** Probes one replica: the deployment gate's question for a new replica. */
  public Future<ProbeResult> probe(HealthCheck check, Instance instance, Replica replica) {
    return probe(check, ProbeSubject.of(instance), replica);
  }

  Future<ProbeResult> probe(HealthCheck check, ProbeSubject instance, Replica replica) {
    Target target;
    try {
      target = targetOf(check, instance);
    } catch (ApiException refused) {
      return Future.succeededFuture(new ProbeResult(false, 0, null, refused.getMessage()));
    }
    return probes.probe(check, target, instance, replica)
        .otherwise(failure -> new ProbeResult(false, 0, null, String.valueOf(failure.getMessage())))
        .onSuccess(result -> metrics.probed(check.type(), result));
  }

  private Future<CheckRun> probeAll(HealthCheck check, ProbeSubject instance, List<Replica> replicas) {
    List<Future<CheckRun.Probed>> probed = new ArrayList<>(replicas.size());
    for (Replica replica : replicas) {
      Instant at = Times.now();
      probed.add(probe(check, instance, replica).map(result -> new CheckRun.Probed(replica, result, at)));
    }
    return Future.all(probed).map(all -> new CheckRun(check, all.<CheckRun.Probed>list(), null));
  }

  /** The check's target as it may be probed now (the operator may have changed what is allowed since). */
  private Target targetOf(HealthCheck check, ProbeSubject instance) {
    if (check.type() == CheckType.COMMAND && !config.commandEnabled()) {
      throw ApiException.invalidField("type", "command checks are disabled on this control plane");
    }
    return Target.parse(check.type(), check.target(), instance.containerPorts(), config.allowedTargets());
  }
}
