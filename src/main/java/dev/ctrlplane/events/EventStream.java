package dev.ctrlplane.events;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code GET /v1/events} connection. It starts at a position and sends, in stream order, each event after it
 * that its filter matches: from the store while it is behind the node's {@link EventFeed} window (catch-up, paced by
 * the client: the next page is read once the last one drained), then from the window as the feed advances (live).
 * A live stream writes until its response buffer is full, then waits for it to drain; one that falls so far behind
 * that the window has moved past it is a slow reader and is disconnected (it may resume with Last-Event-ID). So a
 * stream holds at most its buffer bound, never a growing queue. Everything here runs on the connection's context.
 */
public final class EventStream implements EventFeed.Subscriber {

  /** How streams behave, from {@code events.*}. */
  public record Settings(long heartbeatMillis, int bufferBytes, int catchUpPage) {}

  /** Frames are sent in writes of up to this many bytes, not one write per event. */
  private static final int FLUSH_BYTES = 64 * 1024;
  private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

  private final Context context;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final EventFeed feed;
  private final EventLog log;
  private final EventFilter filter;
  private final Settings settings;
  private final AtomicBoolean woken = new AtomicBoolean();
  private EventPosition cursor;
  /** Its buffer filled while sending from the window; if the window passes it before it drains, it is too slow. */
  private boolean backlogged;
  private boolean waiting;
  private boolean closed;
  private long heartbeat;

  public EventStream(Context context, HttpServerRequest request, EventFeed feed, EventLog log, EventFilter filter,
      EventPosition start, Settings settings) {
    this.context = context;
    this.request = request;
    this.response = request.response();
    this.feed = feed;
    this.log = log;
    this.filter = filter;
    this.cursor = start;
    this.settings = settings;
  }

  /** Sends the headers (and the reset event, if any), subscribes, and sends what is already there. */
  public void start(JsonObject reset) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(settings.bufferBytes());
    response.write("retry: 2000\n\n");
    if (reset != null) {
      response.write("event: reset\ndata: " + reset.encode() + "\n\n");
    }
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
    feed.subscribe(filter.tenantId(), this);
    heartbeat = context.owner().setPeriodic(settings.heartbeatMillis(), id -> {
      if (!closed && !response.writeQueueFull()) {
        response.write(HEARTBEAT);
      }
    });
    pump();
  }

  @Override
  public void wake() {
    if (woken.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        woken.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (closed || waiting) {
      return;
    }
    EventFeed.Window window = feed.window();
    if (cursor.compareTo(window.floor()) < 0) {
      if (backlogged) {
        disconnect(); // its buffer was full while the window moved past it: it reads slower than events arrive
      } else {
        catchUp(); // behind the window (a resume, or quiet while a burst passed): read the store
      }
      return;
    }
    var events = window.events();
    Buffer frames = Buffer.buffer();
    for (int i = window.firstAfter(cursor); i < events.size(); i++) {
      StoredEvent event = events.get(i);
      cursor = event.position();
      if (filter.matches(event)) {
        frames.appendBytes(event.frame());
        if (frames.length() >= FLUSH_BYTES) {
          response.write(frames);
          frames = Buffer.buffer();
          if (response.writeQueueFull()) {
            backlogged = true;
            awaitDrain();
            return;
          }
        }
      }
    }
    if (frames.length() > 0) {
      response.write(frames); // one write (one chunk, one flush) for what this wake-up found
    }
    backlogged = false;
    cursor = EventPosition.max(cursor, window.scanned());
  }

  /** One page from the store after the cursor; the next once this one has drained. */
  private void catchUp() {
    waiting = true;
    log.read(cursor, filter, settings.catchUpPage()).onComplete(done -> {
      if (closed) {
        return;
      }
      if (done.failed()) {
        disconnect();
        return;
      }
      EventLog.Batch batch = done.result();
      Buffer frames = Buffer.buffer();
      batch.events().forEach(event -> frames.appendBytes(event.frame()));
      if (frames.length() > 0) {
        response.write(frames);
      }
      cursor = batch.next(cursor);
      waiting = false;
      if (response.writeQueueFull()) {
        awaitDrain();
      } else {
        pump();
      }
    });
  }

  private void awaitDrain() {
    waiting = true;
    response.drainHandler(v -> {
      response.drainHandler(null);
      waiting = false;
      pump();
    });
  }

  private void disconnect() {
    close();
    request.connection().close();
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    feed.unsubscribe(filter.tenantId(), this);
    context.owner().cancelTimer(heartbeat);
  }
}
