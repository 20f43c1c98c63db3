package dev.ctrlplane.provider;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * What a provider can tell about its replicas' output and resource use, for the telemetry API: the log lines each
 * replica wrote and a sample of its CPU, memory and network. Offered by {@link Provider#telemetry()}; a provider
 * without it offers none.
 */
public interface ReplicaTelemetry {

  /**
   * The instance's log lines written after {@code since} (null: from the start), the last {@code tail} per replica,
   * oldest first. An instance the provider runs nothing for has none.
   */
  Future<List<LogLine>> logs(String instanceId, Instant since, int tail);

  /** A sample of every running replica of the instance now (empty when none runs). */
  Future<List<ReplicaStats>> stats(String instanceId);

  /** One line a replica wrote, {@code stream} {@code stdout} or {@code stderr}. */
  record LogLine(Instant timestamp, int replica, String stream, String message) {}

  /**
   * One replica's resource use at {@code timestamp}: CPU as a percentage of one core (200 = two cores busy), memory
   * in bytes, and the bytes its network interfaces received and sent since it started.
   */
  record ReplicaStats(int replica, Instant timestamp, double cpuPercent, long memoryUsedBytes, long memoryLimitBytes,
      long networkInBytes, long networkOutBytes) {}
}
