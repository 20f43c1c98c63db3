package dev.ctrlplane.deploy;

import java.util.Arrays;
import java.util.Optional;

/**
 * A deployment's state (SPEC §5): {@code pending → running → succeeded | failed | cancelled}, and {@code failed →
 * rolled_back} once the previous release is whole again.
 */
public enum DeploymentState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  ROLLED_BACK;

  public String wire() {
    return name().toLowerCase();
  }

  /** Pending or running: the one deployment an instance may have at a time. */
  public boolean isActive() {
    return this == PENDING || this == RUNNING;
  }

  public static Optional<DeploymentState> of(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
  }
}
