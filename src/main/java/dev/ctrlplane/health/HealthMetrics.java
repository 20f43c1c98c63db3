package dev.ctrlplane.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Health meters on {@code /metrics}: probes run and failed by check type, per node (the scheduling lag of check runs is
 * the scheduler's, per job kind). Without a metrics registry every method does nothing.
 */
final class HealthMetrics {

  private final MeterRegistry registry;
  private final java.util.Map<CheckType, Counter> run = new java.util.EnumMap<>(CheckType.class);
  private final java.util.Map<CheckType, Counter> failed = new java.util.EnumMap<>(CheckType.class);

  HealthMetrics() {
    this.registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      for (CheckType type : CheckType.values()) {
        run.put(type, Counter.builder("ctrlplane.health.checks.run")
            .description("health probes run (one per replica per run)").tag("type", type.wire()).register(registry));
        failed.put(type, Counter.builder("ctrlplane.health.checks.failed")
            .description("health probes that found a replica unhealthy").tag("type", type.wire()).register(registry));
      }
    }
  }

  void probed(CheckType type, ProbeResult result) {
    if (registry == null) {
      return;
    }
    run.get(type).increment();
    if (!result.healthy()) {
      failed.get(type).increment();
    }
  }
}
