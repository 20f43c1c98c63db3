package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written time format writes exactly what the formatter it replaced writes (audit hashes depend on it). */
class TimesTest {

  private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  @Test
  void formatsLikeTheFormatter() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant at = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      assertEquals(REFERENCE.format(at), Times.format(at), at::toString);
    }
    for (String edge : new String[] {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999999Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z", "-0001-06-01T00:00:00Z", "+10000-01-01T00:00:00.5Z"}) {
      Instant at = Instant.parse(edge);
      assertEquals(REFERENCE.format(at), Times.format(at), edge);
    }
  }
}
