package dev.ctrlplane.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A family of domain gauges on {@code /metrics}, one per value of a tag (e.g. {@code ctrlplane_instances{state}}),
 * counted in the store (so every node reports the cluster-wide figure) on a fixed interval rather than per scrape.
 */
public final class CountGauges {

  private static final Logger LOG = LoggerFactory.getLogger(CountGauges.class);

  private final String name;
  private final Map<String, AtomicLong> values = new LinkedHashMap<>();
  private final Supplier<Future<Map<String, Long>>> count;

  private CountGauges(String name, Supplier<Future<Map<String, Long>>> count) {
    this.name = name;
    this.count = count;
  }

  /**
   * Registers {@code name{tag=key}} for every key (when metrics are enabled) and refreshes them every
   * {@code interval} from {@code count}; a key the count leaves out reads 0.
   */
  public static void start(Vertx vertx, String name, String description, String tag, Collection<String> keys,
      Supplier<Future<Map<String, Long>>> count, Duration interval) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    CountGauges gauges = new CountGauges(name, count);
    for (String key : keys) {
      AtomicLong value = new AtomicLong();
      gauges.values.put(key, value);
      Gauge.builder(name, value, AtomicLong::get).description(description).tag(tag, key).register(registry);
    }
    gauges.refresh();
    vertx.setPeriodic(interval.toMillis(), tick -> gauges.refresh());
  }

  private void refresh() {
    count.get().onSuccess(counts -> values.forEach((key, value) -> value.set(counts.getOrDefault(key, 0L))))
        .onFailure(f -> LOG.debug("{} gauges not refreshed: {}", name, f.getMessage()));
  }
}
