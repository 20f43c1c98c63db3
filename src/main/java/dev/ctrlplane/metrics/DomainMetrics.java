package dev.ctrlplane.metrics;

import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.instance.InstanceStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Domain gauges on {@code /metrics}: {@code ctrlplane_instances{state}}, counted in the store (so every node reports
 * the cluster-wide figure) on a fixed interval rather than per scrape.
 */
public final class DomainMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(DomainMetrics.class);

  private final Map<InstanceState, AtomicLong> instances = new EnumMap<>(InstanceState.class);
  private final InstanceStore store;

  private DomainMetrics(InstanceStore store) {
    this.store = store;
  }

  /** Registers the gauges (when metrics are enabled) and refreshes them every {@code interval}. */
  public static void start(Vertx vertx, InstanceStore store, Duration interval) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    DomainMetrics metrics = new DomainMetrics(store);
    for (InstanceState state : InstanceState.values()) {
      AtomicLong value = new AtomicLong();
      metrics.instances.put(state, value);
      Gauge.builder("ctrlplane.instances", value, AtomicLong::get)
          .description("instances in each state, cluster-wide").tag("state", state.wire()).register(registry);
    }
    metrics.refresh();
    vertx.setPeriodic(interval.toMillis(), tick -> metrics.refresh());
  }

  private void refresh() {
    store.countByState().onSuccess(counts -> {
      instances.values().forEach(v -> v.set(0));
      counts.forEach((state, n) -> instances.get(state).set(n));
    }).onFailure(f -> LOG.debug("instance gauges not refreshed: {}", f.getMessage()));
  }
}
