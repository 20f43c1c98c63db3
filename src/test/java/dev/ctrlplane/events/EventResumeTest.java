package dev.ctrlplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.SseClient;
import dev.ctrlplane.support.SseClient.Frame;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resume under load: writers commit events from several connections, each transaction holding its events for a
 * random while before COMMIT (so commit order differs from insert order), while a client reads a few events,
 * disconnects and resumes with Last-Event-ID, again and again. It must end with every committed event exactly once.
 * The window is small, so resumes go through both the store (catch-up) and the feed's window.
 */
class EventResumeTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("events.window", "40", "events.stream_buffer", "8192"));

  private static final int WRITERS = 6;
  private static final int TRANSACTIONS = 40;
  private static final int EVENTS_PER_TRANSACTION = 2;

  @Test
  void disconnectAndResumeUnderConcurrentCommitsHasNoGapAndNoDuplicate() {
    String tenant = "ten_resume" + System.nanoTime();
    Set<String> committed = ConcurrentHashMap.newKeySet();
    Pool pool = node.plane().pool();
    Random random = new Random(42);
    Event start = EventStreamTest.event(tenant, "start");
    Futures.await(pool.withTransaction(conn -> EventStore.insert(conn, List.of(start))));
    List<Future<Void>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      writers.add(writer(pool, tenant, committed, new Random(random.nextLong()), TRANSACTIONS));
    }
    Future<Void> allWritten = Future.all(writers).mapEmpty();
    List<String> received = new ArrayList<>();
    Set<String> distinct = new LinkedHashSet<>();
    String last = start.id();
    int resumes = 0;
    int expected = WRITERS * TRANSACTIONS * EVENTS_PER_TRANSACTION;
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (distinct.size() < expected && System.nanoTime() < deadline) {
      int take = 1 + random.nextInt(15);
      try (SseClient client = SseClient.open(node.node().port(), "/v1/events?tenant_id=" + tenant,
          node.adminToken(), last)) {
        assertEquals(200, client.status());
        for (int i = 0; i < take; i++) {
          Frame frame = client.next(allWritten.isComplete() ? 2 : 5);
          if (frame == null || SseClient.isEnd(frame)) {
            break;
          }
          received.add(frame.id());
          assertTrue(distinct.add(frame.id()), "duplicate " + frame.id() + " after " + resumes + " resumes");
          last = frame.id();
        }
      }
      resumes++;
    }
    Futures.await(allWritten, 60);
    assertEquals(expected, committed.size());
    Set<String> missing = new LinkedHashSet<>(committed);
    missing.removeAll(distinct);
    assertEquals(Set.of(), missing, "committed events never streamed, after " + resumes + " resumes");
    assertEquals(committed, distinct);
    assertTrue(resumes > 20, "the client resumed many times: " + resumes);
  }

  /** One connection's transactions, one after the other: insert events, wait 0-20 ms, commit. */
  private static Future<Void> writer(Pool pool, String tenant, Set<String> committed, Random random, int left) {
    if (left == 0) {
      return Future.succeededFuture();
    }
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < EVENTS_PER_TRANSACTION; i++) {
      events.add(EventStreamTest.event(tenant, "w"));
    }
    double pause = random.nextInt(20) / 1000.0;
    return pool.withTransaction(conn -> EventStore.insert(conn, events)
            .compose(v -> conn.preparedQuery("SELECT pg_sleep($1)").execute(Tuple.of(pause))))
        .onSuccess(v -> events.forEach(e -> committed.add(e.id())))
        .compose(v -> writer(pool, tenant, committed, random, left - 1));
  }

  /**
   * A client that stops reading: its buffer fills, the window moves past it, and the node drops the connection
   * instead of queueing for it. The client's socket has a small receive buffer; the events are large.
   */
  @Test
  void aReaderThatStopsReadingIsDisconnected() throws Exception {
    String tenant = "ten_slow" + System.nanoTime();
    Pool pool = node.plane().pool();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", node.node().port()), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v1/events?tenant_id=" + tenant + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + node.adminToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[64];
      int read = in.read(head);
      assertTrue(new String(head, 0, read, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
      String padding = "x".repeat(4000);
      // 8 MiB of events in 400 transactions: far past the socket buffers, the 8 KiB stream buffer and the window
      for (int batch = 0; batch < 400; batch++) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          events.add(Event.of(EventType.INSTANCE_UPDATED, tenant, null, tenant, "test",
              new JsonObject().put("padding", padding), "test-node"));
        }
        Futures.await(pool.withTransaction(conn -> EventStore.insert(conn, events)));
      }
      // now read everything there is: the stream must end (the node closed it) rather than go on forever
      socket.setSoTimeout(30_000);
      byte[] buffer = new byte[65536];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
      }
      assertTrue(total < 8L * 1024 * 1024, "the node stopped sending to the slow reader: got " + total + " bytes");
    }
  }
}
