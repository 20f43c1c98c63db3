package dev.ctrlplane.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Server-Sent Events client over real HTTP: reads frames on a thread of its own into a queue the test takes from.
 * {@link #close} drops the connection, as a client going away does.
 */
public final class SseClient implements AutoCloseable {

  /** One event frame: its id, event name and data (null when absent), and when it arrived (nanoTime). */
  public record Frame(String id, String event, String data, long atNanos) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Frame END = new Frame(null, "<end>", null, 0);

  private final int status;
  private final String body;
  private final InputStream in;
  private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final AtomicInteger comments = new AtomicInteger();
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) throws IOException {
    this.status = response.statusCode();
    this.in = response.body();
    if (status != 200) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      reader = null;
      return;
    }
    body = null;
    reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** GET {@code path} with a bearer token (null: none) and a Last-Event-ID (null: none). */
  public static SseClient open(int port, String path, String token, String lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Accept", "text/event-stream").GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      return new SseClient(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return status;
  }

  /** The body of a refused stream (an error JSON). */
  public JsonObject error() {
    return new JsonObject(body);
  }

  public int comments() {
    return comments.get();
  }

  /** The next frame, or null after {@code seconds}; {@link #isEnd} tells a closed stream. */
  public Frame next(double seconds) {
    try {
      return frames.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next frame that is an event (not the end), failing after {@code seconds}. */
  public Frame nextEvent(double seconds) {
    Frame frame = next(seconds);
    if (frame == null || isEnd(frame)) {
      throw new AssertionError(frame == null ? "no event in " + seconds + "s" : "the stream ended");
    }
    return frame;
  }

  public static boolean isEnd(Frame frame) {
    return frame == END;
  }

  /** Events until none arrives for {@code quietSeconds} (or the stream ends). */
  public List<Frame> drain(double quietSeconds) {
    List<Frame> taken = new ArrayList<>();
    Frame frame;
    while ((frame = next(quietSeconds)) != null && !isEnd(frame)) {
      taken.add(frame);
    }
    return taken;
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (event != null || data != null) {
            frames.add(new Frame(id, event, data == null ? null : data.toString(), System.nanoTime()));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
    } catch (IOException closed) {
      // the connection went away: end of stream
    } finally {
      frames.add(END);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
