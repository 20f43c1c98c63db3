package dev.ctrlplane.events;

import dev.ctrlplane.config.ConfigException;
import dev.ctrlplane.config.Settings;
import java.time.Duration;

/** {@code events.*} and {@code webhooks.*} (conf/ctrlplane.yaml documents each). */
public record EventsConfig(
    Duration retention,
    Duration pollInterval,
    int window,
    Duration heartbeat,
    int streamBuffer,
    Duration relayGrace,
    Duration relayInterval,
    Webhooks webhooks) {

  /** Webhook delivery settings. */
  public record Webhooks(boolean allowPrivateTargets, Duration timeout, int maxConcurrencyPerReceiver,
      Duration retryInitial, Duration retryFor, Duration fanoutInterval) {}

  public static EventsConfig from(Settings s) {
    Duration poll = s.duration("events.poll_interval");
    if (poll.toMillis() < 5) {
      throw ConfigException.invalid("events.poll_interval", poll.toMillis() + "ms", "expected at least 5ms");
    }
    Duration heartbeat = s.duration("events.heartbeat");
    if (heartbeat.toMillis() < 100) {
      throw ConfigException.invalid("events.heartbeat", heartbeat.toMillis() + "ms", "expected at least 100ms");
    }
    return new EventsConfig(
        atLeast(s, "events.retention", Duration.ofSeconds(1)),
        poll,
        s.integer("events.window", 10, 1_000_000),
        heartbeat,
        s.integer("events.stream_buffer", 4096, 64 * 1024 * 1024),
        atLeast(s, "events.relay_grace", Duration.ofMillis(100)),
        atLeast(s, "events.relay_interval", Duration.ofMillis(10)),
        new Webhooks(
            s.bool("webhooks.allow_private_targets"),
            atLeast(s, "webhooks.timeout", Duration.ofMillis(100)),
            s.integer("webhooks.max_concurrency_per_receiver", 1, 1000),
            atLeast(s, "webhooks.retry_initial", Duration.ofMillis(10)),
            atLeast(s, "webhooks.retry_for", Duration.ofSeconds(1)),
            atLeast(s, "webhooks.fanout_interval", Duration.ofMillis(10))));
  }

  private static Duration atLeast(Settings s, String key, Duration min) {
    Duration value = s.duration(key);
    if (value.compareTo(min) < 0) {
      throw ConfigException.invalid(key, value.toMillis() + "ms", "expected at least " + min.toMillis() + "ms");
    }
    return value;
  }
}
