package dev.ctrlplane.secrets;

/** A stored secret that cannot be decrypted; the message names the secret and why, never a value. */
public final class UnreadableSecretException extends RuntimeException {

  UnreadableSecretException(String message) {
    super(message, null, false, false);
  }
}
