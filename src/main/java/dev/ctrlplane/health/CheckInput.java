package dev.ctrlplane.health;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.config.Durations;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * A create request's fields, validated (SPEC §6): 400 naming the field for a missing or malformed one. {@code timeout}
 * defaults to 5s, or half the interval when the interval is under 10s, so that a check given only a short interval is
 * valid.
 */
record CheckInput(String name, CheckType type, String target, Duration interval, Duration timeout, int retries,
    boolean enabled) {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_INTERVAL = Duration.ofHours(24);
  static final int DEFAULT_RETRIES = 3;

  static CheckInput from(JsonObject body, HealthConfig config) {
    String name = Fields.requiredString(body, "name", "name", 1, 100);
    String typeText = Fields.requiredString(body, "type", "type", 1, 16);
    CheckType type = CheckType.of(typeText).orElseThrow(() ->
        ApiException.invalidField("type", "must be one of http, tcp, grpc, command; got '" + typeText + "'"));
    if (type == CheckType.COMMAND && !config.commandEnabled()) {
      throw ApiException.invalidField("type", "command checks are disabled on this control plane"
          + " (the operator enables them with health.command.enabled)");
    }
    String target = Fields.requiredString(body, "target", "target", 1, 2048);
    Duration interval = Fields.optionalDuration(body, "interval", "interval").orElse(DEFAULT_INTERVAL);
    if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      throw ApiException.invalidField("interval", "must be between 1s and 24h, got " + Durations.format(interval));
    }
    Duration timeout = Fields.optionalDuration(body, "timeout", "timeout")
        .orElse(defaultTimeout(interval, config));
    if (timeout.isZero() || timeout.compareTo(interval) >= 0) {
      throw ApiException.invalidField("timeout", "must be more than 0 and less than interval ("
          + Durations.format(interval) + "), got " + Durations.format(timeout));
    }
    if (timeout.compareTo(config.maxTimeout()) > 0) {
      throw ApiException.invalidField("timeout", "must be at most " + Durations.format(config.maxTimeout())
          + " (health.max_timeout), got " + Durations.format(timeout));
    }
    int retries = Fields.optionalInt(body, "retries", "retries", 0, 10).orElse(DEFAULT_RETRIES);
    boolean enabled = Fields.optionalBoolean(body, "enabled", "enabled").orElse(true);
    return new CheckInput(name, type, target, interval, timeout, retries, enabled);
  }

  private static Duration defaultTimeout(Duration interval, HealthConfig config) {
    Duration timeout = interval.compareTo(DEFAULT_TIMEOUT.multipliedBy(2)) < 0 ? interval.dividedBy(2) : DEFAULT_TIMEOUT;
    return timeout.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : timeout;
  }

  /** The target, parsed against the instance's ports: 400 on {@code target} when it may not be probed. */
  Target parsedTarget(List<Integer> containerPorts, HealthConfig config) {
    return Target.parse(type, target, containerPorts, config.allowedTargets());
  }
}
