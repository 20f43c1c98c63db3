package dev.ctrlplane.secrets;

import java.util.Optional;

/** How a secret reaches a replica: as an environment variable, or as a file in {@code $CTRLPLANE_SECRETS_DIR}. */
public enum SecretType {
  ENV,
  FILE;

  public String wire() {
    return name().toLowerCase();
  }

  public static Optional<SecretType> of(String wire) {
    for (SecretType type : values()) {
      if (type.wire().equals(wire)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
