package dev.ctrlplane.events;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a stream starts: after the event a client names ({@code Last-Event-ID}, or {@code ?after=}), or now. A named
 * event that is no longer kept, and older than what is, means the client missed events that are gone: the stream
 * starts with a {@code reset} event, then the oldest events kept. An id that was never an event is a 400.
 */
public record ResumePoint(EventPosition position, JsonObject reset) {

  public static Future<ResumePoint> resolve(EventLog log, EventFeed feed, String after, Duration retention) {
    if (after == null || after.isBlank()) {
      return Future.succeededFuture(new ResumePoint(feed.window().scanned(), null));
    }
    String id = after.trim();
    if (!TypeId.isValid("evt", id)) {
      return Future.failedFuture(ApiException.invalidField("after", "must be an event id (evt_...)"));
    }
    return log.positionOf(id).compose(found -> found.isPresent()
        ? Future.succeededFuture(new ResumePoint(found.get(), null))
        : expired(log, id, retention));
  }

  private static Future<ResumePoint> expired(EventLog log, String id, Duration retention) {
    Instant written = TypeId.timeOf("evt", id).orElseThrow();
    return log.oldest().map(oldest -> {
      boolean gone = written.isBefore(Times.now().minus(retention))
          || oldest.isPresent() && written.isBefore(oldest.get());
      if (!gone) {
        throw ApiException.invalidField("after", "no event " + id + " (ids come from this stream's id: lines)");
      }
      JsonObject reset = new JsonObject().put("after", id)
          .put("reason", "the events after " + id + " are older than retention and were deleted; streaming from "
              + "the oldest event kept")
          .put("oldest_kept", oldest.map(Times::format).orElse(null));
      return new ResumePoint(new EventPosition(0, 0), reset);
    });
  }
}
