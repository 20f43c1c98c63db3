package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import java.util.regex.Pattern;

/** The {@code Idempotency-Key} header's syntax: 1 to 255 visible ASCII characters. */
final class IdempotencyKey {

  private static final Pattern VISIBLE = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private IdempotencyKey() {}

  static String check(String header) {
    String key = header.trim();
    if (!VISIBLE.matcher(key).matches()) {
      throw ApiException.invalidField("Idempotency-Key", "must be 1-255 visible ASCII characters");
    }
    return key;
  }
}
