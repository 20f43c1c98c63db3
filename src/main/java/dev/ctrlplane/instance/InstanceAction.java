package dev.ctrlplane.instance;

/** What a caller can ask of an instance; each maps to the transitional state it puts the instance in. */
public enum InstanceAction {
  START,
  STOP,
  RESTART,
  SCALE,
  SUSPEND,
  UNSUSPEND,
  DEPLOY,
  DELETE;

  public String wire() {
    return name().toLowerCase();
  }

  /** The state the action moves an instance into while its work runs. */
  public InstanceState transitionalState() {
    return switch (this) {
      case START, UNSUSPEND -> InstanceState.STARTING;
      case STOP -> InstanceState.STOPPING;
      case RESTART, DEPLOY -> InstanceState.RESTARTING;
      case SCALE -> InstanceState.SCALING;
      case SUSPEND -> InstanceState.SUSPENDING;
      case DELETE -> InstanceState.DESTROYING;
    };
  }
}
