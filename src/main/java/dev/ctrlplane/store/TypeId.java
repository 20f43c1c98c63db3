package dev.ctrlplane.store;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * TypeIDs: {@code <prefix>_<26 chars of lower-case Crockford base32 of a UUIDv7>}. They sort by creation time and say
 * what they name. A string that does not parse, or carries another prefix, is simply not an id of that kind.
 */
public final class TypeId {

  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final int SUFFIX_LENGTH = 26;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean[] VALID = new boolean[128];
  private static final int[] VALUE = new int[128];

  static {
    for (int i = 0; i < ALPHABET.length; i++) {
      VALID[ALPHABET[i]] = true;
      VALUE[ALPHABET[i]] = i;
    }
  }

  private TypeId() {}

  public static String generate(String prefix) {
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
    long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return prefix + "_" + encode(high, low);
  }

  /** The id itself when it is a well-formed TypeID with this prefix. */
  public static Optional<String> parse(String prefix, String id) {
    return isValid(prefix, id) ? Optional.of(id) : Optional.empty();
  }

  public static boolean isValid(String prefix, String id) {
    if (id == null || id.length() != prefix.length() + 1 + SUFFIX_LENGTH || !id.startsWith(prefix + "_")) {
      return false;
    }
    int start = prefix.length() + 1;
    if (id.charAt(start) > '7') {
      return false; // 26 chars hold 130 bits; a UUID has 128, so the first char carries only 3
    }
    for (int i = start; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c >= 128 || !VALID[c]) {
        return false;
      }
    }
    return true;
  }

  /** When a well-formed id was generated: the UUIDv7's 48-bit millisecond time (its first 10 characters). */
  public static Optional<Instant> timeOf(String prefix, String id) {
    if (!isValid(prefix, id)) {
      return Optional.empty();
    }
    int start = prefix.length() + 1;
    long millis = 0;
    for (int i = start; i < start + 10; i++) {
      millis = (millis << 5) | VALUE[id.charAt(i)];
    }
    return Optional.of(Instant.ofEpochMilli(millis));
  }

  /** 128 bits as 26 base32 characters, most significant first (the top two of 130 bits are zero). */
  static String encode(long high, long low) {
    char[] out = new char[SUFFIX_LENGTH];
    for (int i = SUFFIX_LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (low & 0x1F)];
      low = (low >>> 5) | (high << 59);
      high >>>= 5;
    }
    return new String(out);
  }
}
