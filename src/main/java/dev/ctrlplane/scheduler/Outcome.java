package dev.ctrlplane.scheduler;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * What a run of an item decided: run it again on its grid ({@link #again}), at a given time ({@link #at}), or never
 * ({@link #done}: the item is deleted). {@link #with} attaches what the run found, for the job's
 * {@link Job#record}.
 */
public record Outcome(Next next, Instant at, JsonObject result) {

  public enum Next { AGAIN, AT, DONE }

  public static Outcome again() {
    return new Outcome(Next.AGAIN, null, null);
  }

  public static Outcome at(Instant at) {
    return new Outcome(Next.AT, Objects.requireNonNull(at, "at"), null);
  }

  public static Outcome done() {
    return new Outcome(Next.DONE, null, null);
  }

  public Outcome with(JsonObject found) {
    return new Outcome(next, at, found);
  }
}
