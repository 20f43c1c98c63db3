package dev.ctrlplane.crypto;

/**
 * A sealed value that cannot be opened: sealed with a key this ring does not hold, or not authentic (the ciphertext,
 * its nonce or its associated data changed, e.g. a ciphertext copied to another row). The message never contains
 * plaintext; it says which of the two happened and names the key id.
 */
public final class UnsealException extends RuntimeException {

  /** Why a value could not be opened. */
  public enum Reason { UNKNOWN_KEY, NOT_AUTHENTIC }

  private final Reason reason;

  UnsealException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
