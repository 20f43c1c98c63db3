package dev.ctrlplane.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A real HTTP receiver for webhook tests (the JDK's own server, nothing of Vert.x): records every request and answers
 * with the status its responder gives (or hangs, for {@link #HANG}).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** A status that makes the receiver never answer (until it is closed). */
  public static final int HANG = -1;

  /** One request as received. */
  public record Received(String id, String timestamp, String signature, String body, long atNanos,
      Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Received> all = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile IntSupplier responder;

  private WebhookReceiver(IntSupplier responder) {
    this.responder = responder;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "webhook-receiver");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** A receiver answering 200 to everything. */
  public static WebhookReceiver ok() {
    return new WebhookReceiver(() -> 200);
  }

  /** A receiver answering with what {@code responder} says, request by request. */
  public static WebhookReceiver answering(IntSupplier responder) {
    return new WebhookReceiver(responder);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public List<Received> all() {
    return new ArrayList<>(all);
  }

  /** The next request, failing after {@code seconds}. */
  public Received next(double seconds) {
    try {
      Received next = received.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
      if (next == null) {
        throw new AssertionError("no webhook request in " + seconds + "s");
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    var h = exchange.getRequestHeaders();
    Received request = new Received(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
        h.getFirst("webhook-signature"), body, System.nanoTime(), Map.copyOf(h));
    all.add(request);
    received.add(request);
    int status = responder.getAsInt();
    if (status == HANG) {
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
