package dev.ctrlplane.health;

import dev.ctrlplane.config.ConfigException;
import dev.ctrlplane.config.Durations;
import dev.ctrlplane.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * Health-check settings: whether {@code command} checks may run at all, which targets other than an instance's own
 * replicas an operator allows (empty: none), how long results are kept, and the longest timeout a check may have.
 */
public record HealthConfig(boolean commandEnabled, AllowedTargets allowedTargets, Duration retention,
    Duration maxTimeout) {

  /** How long a scheduled run's claim holds: the longest timeout a check may have, and a margin for recording it. */
  public Duration lease() {
    return maxTimeout.plusSeconds(5);
  }


  public static HealthConfig from(Settings s) {
    Duration retention = s.duration("health.retention");
    if (retention.toMinutes() < 1) {
      throw ConfigException.invalid("health.retention", Durations.format(retention), "expected at least 1m");
    }
    List<String> allowed = s.list("health.allowed_targets");
    AllowedTargets targets;
    try {
      targets = AllowedTargets.parse(allowed);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid("health.allowed_targets", String.join(",", allowed), e.getMessage());
    }
    Duration maxTimeout = s.duration("health.max_timeout");
    if (maxTimeout.toMillis() < 100 || maxTimeout.toMinutes() > 10) {
      throw ConfigException.invalid("health.max_timeout", Durations.format(maxTimeout), "expected 100ms to 10m");
    }
    return new HealthConfig(s.bool("health.command.enabled"), targets, retention, maxTimeout);
  }

  public static HealthConfig defaults() {
    return new HealthConfig(false, AllowedTargets.parse(List.of()), Duration.ofHours(168), Duration.ofSeconds(10));
  }
}
