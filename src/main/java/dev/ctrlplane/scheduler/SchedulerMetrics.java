package dev.ctrlplane.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler on {@code /metrics}: runs per kind and result, and the scheduling lag (from an item's due time to
 * the start of its run). Nothing is recorded when metrics are off.
 */
final class SchedulerMetrics {

  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Map<String, Counter> runs = new ConcurrentHashMap<>();
  private final Map<String, Timer> lags = new ConcurrentHashMap<>();

  void lag(String kind, Duration lag) {
    if (registry != null) {
      lags.computeIfAbsent(kind, k -> Timer.builder("ctrlplane.scheduler.lag")
          .description("time from an item's due time to the start of its run")
          .tag("kind", k).publishPercentiles(0.5, 0.99).register(registry))
          .record(lag.isNegative() ? Duration.ZERO : lag);
    }
  }

  /** {@code result}: ok, failed (the run failed), expired (its lease ran out), lost (another node had reclaimed it). */
  void ran(String kind, String result) {
    if (registry != null) {
      runs.computeIfAbsent(kind + '/' + result, k -> Counter.builder("ctrlplane.scheduler.runs")
          .description("scheduled runs by kind and result").tag("kind", kind).tag("result", result)
          .register(registry)).increment();
    }
  }
}
