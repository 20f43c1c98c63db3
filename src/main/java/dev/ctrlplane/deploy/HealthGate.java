package dev.ctrlplane.deploy;

import dev.ctrlplane.health.HealthCheck;
import dev.ctrlplane.health.HealthRunner;
import dev.ctrlplane.health.HealthStore;
import dev.ctrlplane.health.ProbeResult;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.provider.Replica;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * "Healthy" for an instance with health checks (SPEC §5, §6): the replica is ready and every enabled check passes on
 * it, probed now, with each check's own target and timeout. An instance without enabled checks falls back to
 * {@code fallback} (the connect gate). The deployment's own loop repeats the probe until the health deadline, so a
 * replica that takes a while to pass is waited for, and one that never passes fails the deployment.
 */
final class HealthGate implements ReplicaGate {

  private final HealthStore checks;
  private final HealthRunner runner;
  private final ReplicaGate fallback;

  HealthGate(HealthStore checks, HealthRunner runner, ReplicaGate fallback) {
    this.checks = checks;
    this.runner = runner;
    this.fallback = fallback;
  }

  @Override
  public Future<Verdict> probe(Instance instance, Replica replica) {
    return checks.checksOf(instance.id()).compose(all -> {
      List<HealthCheck> enabled = all.stream().filter(HealthCheck::enabled).toList();
      if (enabled.isEmpty()) {
        return fallback.probe(instance, replica);
      }
      if (!replica.ready()) {
        return Future.succeededFuture(Verdict.failing("replica " + replica.index() + " is " + replica.state()));
      }
      List<Future<ProbeResult>> probes = new ArrayList<>();
      enabled.forEach(check -> probes.add(runner.probe(check, instance, replica)));
      return Future.all(probes).map(done -> {
        for (int i = 0; i < enabled.size(); i++) {
          ProbeResult result = probes.get(i).result();
          if (!result.healthy()) {
            return Verdict.failing("replica " + replica.index() + " fails health check '" + enabled.get(i).name()
                + "': " + result.message());
          }
        }
        return Verdict.ok();
      });
    }).otherwise(failure -> Verdict.failing("replica " + replica.index() + ": health checks could not be read: "
        + failure.getMessage()));
  }
}
