package dev.ctrlplane.store;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Times as the API writes them: RFC 3339, UTC, milliseconds. Stored with microseconds. */
public final class Times {

  private static final DateTimeFormatter API = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private Times() {}

  /** Now, at the store's precision, so that a value read back equals the value written. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC. Written by hand for years 1 to 9999 (the same characters the
   * formatter writes, which {@code TimesTest} checks): every instance renders three times, sixty per list page.
   * Audit hashes include this text, so it must never change.
   */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 1 || t.getYear() > 9999) {
      return API.format(instant);
    }
    char[] text = "0000-00-00T00:00:00.000Z".toCharArray();
    digits(text, 0, 4, t.getYear());
    digits(text, 5, 2, t.getMonthValue());
    digits(text, 8, 2, t.getDayOfMonth());
    digits(text, 11, 2, t.getHour());
    digits(text, 14, 2, t.getMinute());
    digits(text, 17, 2, t.getSecond());
    digits(text, 20, 3, t.getNano() / 1_000_000);
    return new String(text);
  }

  public static String format(OffsetDateTime time) {
    return time == null ? null : format(time.toInstant());
  }

  private static void digits(char[] text, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  public static OffsetDateTime toOffset(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** Parses an RFC 3339 time with any offset; empty when it is not one. */
  public static Optional<Instant> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
