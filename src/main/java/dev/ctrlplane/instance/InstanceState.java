package dev.ctrlplane.instance;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The instance state machine (SPEC §4). Settled states accept the actions of the table; transitional states accept
 * none (a second action is 409) except that deleting an instance already being destroyed is accepted again.
 */
public enum InstanceState {
  PROVISIONING(true),
  RUNNING(false),
  STOPPED(false),
  FAILED(false),
  SUSPENDED(false),
  STARTING(true),
  STOPPING(true),
  RESTARTING(true),
  SCALING(true),
  SUSPENDING(true),
  DESTROYING(true);

  private static final Map<String, InstanceState> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(InstanceState::wire, Function.identity()));

  private final boolean transitional;

  InstanceState(boolean transitional) {
    this.transitional = transitional;
  }

  public boolean isTransitional() {
    return transitional;
  }

  public String wire() {
    return name().toLowerCase();
  }

  public static Optional<InstanceState> of(String wire) {
    return Optional.ofNullable(wire == null ? null : BY_NAME.get(wire));
  }

  /** Whether {@code action} may start from this state. */
  public boolean allows(InstanceAction action) {
    return switch (this) {
      case PROVISIONING -> action == InstanceAction.DELETE;
      case RUNNING -> action != InstanceAction.START && action != InstanceAction.UNSUSPEND;
      case STOPPED -> action == InstanceAction.START || action == InstanceAction.SCALE
          || action == InstanceAction.SUSPEND || action == InstanceAction.DEPLOY || action == InstanceAction.DELETE;
      case FAILED -> action != InstanceAction.UNSUSPEND;
      case SUSPENDED -> action == InstanceAction.UNSUSPEND || action == InstanceAction.DELETE;
      case DESTROYING -> action == InstanceAction.DELETE;
      default -> false;
    };
  }
}
