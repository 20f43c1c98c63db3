package dev.ctrlplane.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master keys that seal values at rest (secrets now; certificate keys and webhook signing secrets later): the
 * current key, which seals, and previous keys, which still open what they sealed until a rotation re-seals it.
 * AES-256-GCM with a fresh random 96-bit nonce per seal and caller-given associated data ({@link Aad}). Each key is
 * known by its id, the first 8 bytes of its SHA-256 in hex, which every sealed value records. Thread-safe; the keys
 * never leave this object, and {@link #toString} shows only their ids.
 */
public final class KeyRing {

  /** AES-256. */
  public static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";

  private final String currentId;
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private KeyRing(byte[] current, List<byte[]> previous) {
    this.currentId = add(current);
    previous.forEach(this::add);
  }

  /** A ring of raw 32-byte keys; the first seals. */
  public static KeyRing of(byte[] current, List<byte[]> previous) {
    return new KeyRing(current, previous);
  }

  /** A ring of base64-encoded keys, as the configuration holds them; see {@link #decode}. */
  public static KeyRing fromBase64(String current, List<String> previous) {
    return new KeyRing(decode(current), previous.stream().map(KeyRing::decode).toList());
  }

  /**
   * A key from its base64 text (standard or URL-safe alphabet, padding optional).
   *
   * @throws IllegalArgumentException naming what is wrong, never echoing the text
   */
  public static byte[] decode(String base64) {
    String text = base64 == null ? "" : base64.trim();
    byte[] key;
    try {
      key = text.contains("-") || text.contains("_")
          ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("expected base64 of " + KEY_BYTES + " bytes; it is not valid base64");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("expected base64 of " + KEY_BYTES + " bytes, got " + key.length + " bytes");
    }
    return key;
  }

  /** A new random key, as base64 text. */
  public static String generateBase64() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The id of a key: the first 8 bytes of its SHA-256, in hex. */
  public static String keyIdOf(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The id of the key that seals. */
  public String currentKeyId() {
    return currentId;
  }

  /** Whether a value sealed with {@code keyId} is sealed with the current key. */
  public boolean isCurrent(String keyId) {
    return currentId.equals(keyId);
  }

  /** Seals with the current key and a fresh random nonce; {@code associatedData} must be given again to open. */
  public Sealed seal(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      return new Sealed(currentId, nonce, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is always available: " + e.getClass().getSimpleName());
    }
  }

  /** {@link #seal} of a string, as UTF-8. */
  public Sealed seal(String plaintext, byte[] associatedData) {
    return seal(plaintext.getBytes(StandardCharsets.UTF_8), associatedData);
  }

  /**
   * Opens a sealed value with the key it names.
   *
   * @throws UnsealException when the ring does not hold that key, or the value (or its associated data) is not the
   *     one that was sealed
   */
  public byte[] open(Sealed sealed, byte[] associatedData) {
    SecretKeySpec key = keys.get(sealed.keyId());
    if (key == null) {
      throw new UnsealException(UnsealException.Reason.UNKNOWN_KEY, "sealed with key " + sealed.keyId()
          + ", which is neither secrets.key nor one of secrets.previous_keys");
    }
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed.ciphertext());
    } catch (AEADBadTagException | IllegalArgumentException notAuthentic) {
      throw new UnsealException(UnsealException.Reason.NOT_AUTHENTIC, "sealed with key " + sealed.keyId()
          + " but not authentic: the stored ciphertext was changed, or copied from another secret, instance or"
          + " version");
    } catch (GeneralSecurityException e) {
      throw new UnsealException(UnsealException.Reason.NOT_AUTHENTIC, "sealed with key " + sealed.keyId()
          + " but cannot be opened (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String toString() {
    return "KeyRing[current=" + currentId + ", all=" + keys.keySet() + "]";
  }

  private String add(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a master key must be " + KEY_BYTES + " bytes, got " + key.length);
    }
    String id = keyIdOf(key);
    keys.putIfAbsent(id, new SecretKeySpec(key.clone(), "AES"));
    return id;
  }
}
