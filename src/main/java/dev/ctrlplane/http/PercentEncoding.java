package dev.ctrlplane.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Strict reading of a request target's path or query (RFC 3986 §2): printable ASCII only, every {@code %} followed
 * by two hex digits, and the bytes they stand for valid UTF-8. Netty and Vert.x Web decode leniently in some places
 * (a raw byte becomes a Latin-1 character, {@code %FF} a replacement character) and throw in others; checking once,
 * strictly, before any route runs means every later decoding succeeds and means what the client meant.
 */
final class PercentEncoding {

  private PercentEncoding() {}

  /** What is wrong with {@code raw}, or empty when it is well formed. Allocates nothing for plain ASCII text. */
  static Optional<String> problem(String raw) {
    boolean escaped = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return Optional.of("must be printable ASCII; percent-encode other characters (as UTF-8)");
      }
      if (c == '%') {
        if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
          return Optional.of("malformed percent-encoding: every % must be followed by two hex digits");
        }
        escaped = true;
      }
    }
    return escaped && !decodesAsUtf8(raw)
        ? Optional.of("percent-encoded bytes are not valid UTF-8")
        : Optional.empty();
  }

  private static boolean decodesAsUtf8(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
  }
}
