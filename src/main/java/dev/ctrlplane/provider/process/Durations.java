package dev.ctrlplane.provider.process;

import java.time.Duration;

/** Durations as people write them in messages: {@code 30s}, {@code 250ms}. */
final class Durations {

  private Durations() {}

  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
