package dev.ctrlplane.metrics;

import dev.ctrlplane.instance.InstanceState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
  private static final String BY_STATE = "SELECT state, count(*) AS n FROM instances GROUP BY state";

  private final Map<InstanceState, AtomicLong> instances = new EnumMap<>(InstanceState.class);
  private final Pool pool;

  private DomainMetrics(Pool pool) {
    this.pool = pool;
  }

  /** Registers the gauges (when metrics are enabled) and refreshes them every {@code interval}. */
  public static void start(Vertx vertx, Pool pool, Duration interval) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    DomainMetrics metrics = new DomainMetrics(pool);
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
    pool.query(BY_STATE).execute().onSuccess(rows -> {
      instances.values().forEach(v -> v.set(0));
      for (Row row : rows) {
        InstanceState.of(row.getString("state")).ifPresent(s -> instances.get(s).set(row.getLong("n")));
      }
    }).onFailure(f -> LOG.debug("instance gauges not refreshed: {}", f.getMessage()));
  }
}
