package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderException;

/**
 * The engine answered a call with an error status ({@code status} > 0), or could not be reached at all
 * ({@code status} 0, {@link #unreachable}). Either way the instance's call fails; an unreachable engine also makes
 * the provider unhealthy.
 */
final class EngineException extends ProviderException {

  private final int status;

  EngineException(int status, String message) {
    super(message, false, null);
    this.status = status;
  }

  static EngineException unreachable(String engine, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new EngineException(0, "docker engine at " + engine + " is unreachable: " + why);
  }

  int status() {
    return status;
  }

  boolean isUnreachable() {
    return status == 0;
  }

  boolean isNotFound() {
    return status == 404;
  }

  boolean isConflict() {
    return status == 409;
  }
}
