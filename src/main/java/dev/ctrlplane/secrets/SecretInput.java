package dev.ctrlplane.secrets;

import dev.ctrlplane.bus.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated {@code POST …/secrets} body. Every refusal is a 400 naming the field, and no message ever contains the
 * value. {@link #toString} does not show the value either.
 */
record SecretInput(String key, SecretType type, String value) {

  /** Bytes of UTF-8, for a key of either type. */
  static final int MAX_KEY_BYTES = 255;
  /** Bytes of UTF-8. */
  static final int MAX_VALUE_BYTES = 64 * 1024;
  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  static SecretInput from(JsonObject body) {
    SecretType type = type(body);
    String key = text(body, "key").orElseThrow(() -> ApiException.invalidField("key", "is required"));
    checkKey(type, key).ifPresent(problem -> {
      throw ApiException.invalidField("key", problem);
    });
    String value = text(body, "value").orElseThrow(() -> ApiException.invalidField("value", "is required"));
    int bytes = utf8Length(value).orElseThrow(() -> ApiException.invalidField("value",
        "must be valid Unicode text (it holds an unpaired surrogate)"));
    if (bytes > MAX_VALUE_BYTES) {
      throw ApiException.invalidField("value",
          "must be at most 64 KiB (65536 bytes of UTF-8), got " + bytes + " bytes");
    }
    return new SecretInput(key, type, value);
  }

  /** Whether a secret of some type could have this key; a key that could not is simply absent. */
  static boolean isPossibleKey(String key) {
    return key != null && (checkKey(SecretType.ENV, key).isEmpty() || checkKey(SecretType.FILE, key).isEmpty());
  }

  /** What is wrong with {@code key} for a secret of {@code type}, if anything. */
  static Optional<String> checkKey(SecretType type, String key) {
    Optional<Integer> bytes = utf8Length(key);
    if (bytes.isEmpty()) {
      return Optional.of("must be valid Unicode text (it holds an unpaired surrogate)");
    }
    if (key.isEmpty() || bytes.get() > MAX_KEY_BYTES) {
      return Optional.of("must be 1 to " + MAX_KEY_BYTES + " bytes long");
    }
    return type == SecretType.ENV ? checkEnvKey(key) : checkFileKey(key);
  }

  private static Optional<String> checkEnvKey(String key) {
    return ENV_KEY.matcher(key).matches()
        ? Optional.empty()
        : Optional.of("an env secret's key must match [A-Za-z_][A-Za-z0-9_]*");
  }

  /** A relative path of plain segments: no leading '/', no '.', '..' or empty segment, no control character. */
  private static Optional<String> checkFileKey(String key) {
    if (key.startsWith("/")) {
      return Optional.of("a file secret's key must be a relative path (no leading '/')");
    }
    if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.of("a file secret's key must not contain control characters (NUL, newline, ...)");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals("..")) {
        return Optional.of("a file secret's key must not contain '..'");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        return Optional.of("a file secret's key must be path segments separated by single '/' (no '.', no empty "
            + "segment, no trailing '/')");
      }
    }
    return Optional.empty();
  }

  private static SecretType type(JsonObject body) {
    Optional<String> type = text(body, "type");
    return type.isEmpty() ? SecretType.ENV : SecretType.of(type.get())
        .orElseThrow(() -> ApiException.invalidField("type", "must be env or file"));
  }

  private static Optional<String> text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(field, "must be a string");
    }
    return Optional.of(text);
  }

  /** The UTF-8 length, or empty for a string that has no UTF-8 form (an unpaired surrogate). */
  private static Optional<Integer> utf8Length(String text) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text)).remaining());
    } catch (CharacterCodingException notUnicode) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "SecretInput[key=" + key + ", type=" + type.wire() + ", value=<hidden>]";
  }
}
