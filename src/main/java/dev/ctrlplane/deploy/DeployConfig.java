package dev.ctrlplane.deploy;

import dev.ctrlplane.config.Durations;
import java.time.Duration;

/**
 * Deployment settings: how long a canary is watched, how long a new replica has to become healthy, how long a whole
 * deployment may take before it is failed and undone.
 */
public record DeployConfig(Duration canaryWindow, Duration healthDeadline, Duration deadline) {

  /** How often the canary is probed while it is watched. */
  Duration watchInterval() {
    Duration tenth = canaryWindow.dividedBy(10);
    Duration second = Duration.ofSeconds(1);
    return tenth.compareTo(second) < 0 ? tenth : second;
  }

  String healthDeadlineText() {
    return Durations.format(healthDeadline);
  }
}
