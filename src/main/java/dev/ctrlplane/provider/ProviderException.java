package dev.ctrlplane.provider;

/**
 * A provider failure. {@code badRequest} marks failures caused by the caller's spec (an image that does not exist),
 * which the API reports as 400; every other failure puts the instance in {@code failed} with the message.
 */
public class ProviderException extends RuntimeException {

  private final boolean badRequest;

  public ProviderException(String message) {
    this(message, false, null);
  }

  public ProviderException(String message, boolean badRequest, Throwable cause) {
    super(message, cause, false, false);
    this.badRequest = badRequest;
  }

  public static ProviderException badRequest(String message) {
    return new ProviderException(message, true, null);
  }

  public boolean isBadRequest() {
    return badRequest;
  }
}
