package dev.ctrlplane.health;

/** One probe's answer: healthy or not, how long it took, the HTTP status if any, and a short message. */
public record ProbeResult(boolean healthy, long latencyMs, Integer statusCode, String message) {

  static final int MAX_MESSAGE = 500;

  public ProbeResult {
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "…";
    }
  }

  public String status() {
    return healthy ? "healthy" : "unhealthy";
  }
}
