package dev.ctrlplane.crypto;

import java.util.Arrays;

/**
 * A value sealed by {@link KeyRing#seal}: the id of the key that sealed it, the 96-bit nonce, and the AES-GCM
 * ciphertext with its 128-bit tag appended. Holds no plaintext; {@link #toString} still shows only sizes.
 */
public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {

  public Sealed {
    nonce = nonce.clone();
    ciphertext = ciphertext.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Sealed that && keyId.equals(that.keyId) && Arrays.equals(nonce, that.nonce)
        && Arrays.equals(ciphertext, that.ciphertext);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(nonce);
  }

  @Override
  public String toString() {
    return "Sealed[keyId=" + keyId + ", " + ciphertext.length + " bytes]";
  }
}
