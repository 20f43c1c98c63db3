package dev.ctrlplane.support;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition from a test thread by polling it until a deadline; the failure says what was awaited. */
public final class Poll {

  private static final long INTERVAL_MS = 25;

  private Poll() {}

  public static void until(BooleanSupplier condition, int seconds, Supplier<String> what) {
    value(() -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty(), seconds, what);
  }

  /** The first value the supplier offers within {@code seconds}. */
  public static <T> T value(Supplier<Optional<T>> supplier, int seconds, Supplier<String> what) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      Optional<T> value = supplier.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + "s: " + what.get());
      }
      try {
        Thread.sleep(INTERVAL_MS); // polling interval of a condition with a deadline, not a wait for a race
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
