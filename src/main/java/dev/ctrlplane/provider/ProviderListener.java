package dev.ctrlplane.provider;

/** Facts a provider learns on its own (a replica crashed) and reports to the control plane. */
public interface ProviderListener {

  /** A replica crashed too often and is no longer restarted: the instance should be marked {@code failed}. */
  void instanceFailed(String instanceId, String message);

  /** A replica crashed and was restarted; endpoints may have changed. */
  default void instanceChanged(String instanceId, RunningInstance now) {}
}
