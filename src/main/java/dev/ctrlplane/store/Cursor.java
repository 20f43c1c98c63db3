package dev.ctrlplane.store;

import dev.ctrlplane.bus.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * An opaque page cursor: the sort key (created_at, id) of the last row served. Keyset pagination keeps pages stable
 * while rows are added: new rows sort before the cursor and never shift later pages.
 */
public record Cursor(Instant createdAt, String id) {

  public String encode() {
    long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
    String raw = "v1|" + micros + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor from a query string; anything malformed is a 400 naming the parameter. */
  public static Cursor decode(String text) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      String[] parts = raw.split("\\|", 3);
      if (parts.length != 3 || !parts[0].equals("v1") || parts[2].isEmpty() || parts[2].length() > 64) {
        throw malformed();
      }
      long micros = Long.parseLong(parts[1]);
      Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
      return new Cursor(at, parts[2]);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
  }

  private static ApiException malformed() {
    return ApiException.invalidField("cursor", "malformed cursor");
  }
}
