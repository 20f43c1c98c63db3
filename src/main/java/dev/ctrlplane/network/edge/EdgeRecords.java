package dev.ctrlplane.network.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where the edge hands a record of every request it answered: counted at once in {@code /metrics}
 * ({@code ctrlplane_edge_requests_total{status_class}}, {@code ctrlplane_edge_request_duration_seconds}), and kept in
 * a buffer of the calling event loop that goes to the {@link Sink} in batches (every {@value #FLUSH_MS} ms or
 * {@value #BATCH} records, whichever comes first), off the request path. One buffer per edge verticle, so recording
 * takes no lock; a sink that falls behind loses batches, never slows requests ({@link #MAX_PENDING}).
 */
public final class EdgeRecords {

  /** Takes batches of records; the telemetry feature stores them. Called on an event loop: must not block. */
  public interface Sink {
    void accept(List<EdgeRecord> batch);

    Sink DISCARD = batch -> {};
  }

  /** Histogram buckets of the latency: few, so a record stays cheap. */
  private static final Duration[] LATENCY_BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 25, 50, 100, 250,
      500, 1000, 2500, 5000, 10000, 30000, 60000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  static final int BATCH = 512;
  static final long FLUSH_MS = 1000;
  static final int MAX_PENDING = 8 * BATCH;

  private final Counter[] byClass = new Counter[6];
  private final Timer latency;
  private volatile Sink sink = Sink.DISCARD;

  public EdgeRecords() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    for (int c = 1; c <= 5; c++) {
      byClass[c] = registry == null ? null : Counter.builder("ctrlplane.edge.requests")
          .description("requests the edge router answered, by status class").tag("status_class", c + "xx")
          .register(registry);
    }
    latency = registry == null ? null : Timer.builder("ctrlplane.edge.request.duration")
        .description("time from a request's arrival at the edge to the end of its response")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  /** Installs the consumer of batches (the telemetry feature); records before that are only counted. */
  public void setSink(Sink sink) {
    this.sink = sink;
  }

  /** A buffer for one event loop's requests; {@link Buffer#flush} it from that loop. */
  public Buffer buffer() {
    return new Buffer();
  }

  /** One event loop's records waiting for the next batch. Not thread-safe: used by its own loop only. */
  public final class Buffer implements Consumer<EdgeRecord> {
    private List<EdgeRecord> pending = new ArrayList<>();

    @Override
    public void accept(EdgeRecord record) {
      int statusClass = record.status() / 100;
      if (statusClass >= 1 && statusClass <= 5 && byClass[statusClass] != null) {
        byClass[statusClass].increment();
      }
      if (latency != null) {
        latency.record(record.durationMicros(), TimeUnit.MICROSECONDS);
      }
      if (sink == Sink.DISCARD) {
        return;
      }
      if (pending.size() < MAX_PENDING) {
        pending.add(record);
      }
      if (pending.size() >= BATCH) {
        flush();
      }
    }

    public void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<EdgeRecord> batch = pending;
      pending = new ArrayList<>();
      try {
        sink.accept(batch);
      } catch (RuntimeException ignored) {
        // the sink's trouble is the sink's: a request never fails over telemetry
      }
    }
  }
}
