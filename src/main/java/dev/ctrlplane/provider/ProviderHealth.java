package dev.ctrlplane.provider;

/** Whether a provider can take work, and why not. */
public record ProviderHealth(boolean healthy, String message) {

  public static ProviderHealth ok() {
    return new ProviderHealth(true, "ok");
  }
}
