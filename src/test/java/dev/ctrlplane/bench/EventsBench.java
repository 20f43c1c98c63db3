package dev.ctrlplane.bench;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.SseClient;
import dev.ctrlplane.support.TestNode;
import dev.ctrlplane.support.WebhookReceiver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events benchmark of {@code scripts/bench.sh events} (docs/BENCHMARKS.md): a node on its own embedded
 * PostgreSQL in this JVM; {@code producers} concurrent units of work commit one event each, as fast as they can, for
 * {@code seconds}, and an SSE client records when each event arrives; then 500 events/s are committed for
 * {@code seconds} to a webhook receiver on loopback. Latency is from the commit (the unit of work's future completing) to arrival. Then 1,000 idle streams
 * are opened and the node's RSS measured before and after.
 * Usage: {@code EventsBench <warmup-seconds> <seconds> <producers>}; prints tab-separated results.
 */
public final class EventsBench {

  /** The webhook phase offers this many events/s (the target's rate), not as many as producers can commit. */
  private static final int WEBHOOK_RATE = 500;

  private final TestNode node;
  private final String tenant;
  private final Map<String, Long> committedAt = new ConcurrentHashMap<>();

  private EventsBench(TestNode node, String tenant) {
    this.node = node;
    this.tenant = tenant;
  }

  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int producers = Integer.parseInt(args[2]);
    TestNode node = TestNode.start(Map.of("log.level", "WARN", "webhooks.allow_private_targets", "true",
        "scheduler.poll_interval", "50ms", "webhooks.fanout_interval", "50ms"));
    try {
      String tenant = dev.ctrlplane.support.Fixtures.tenant(node);
      EventsBench bench = new EventsBench(node, tenant);
      bench.sse(warmup, producers, false);
      bench.sse(seconds, producers, false);
      bench.webhook(seconds, producers);
      bench.idleStreams(1000);
    } finally {
      node.close();
      System.exit(0);
    }
  }

  /** Commits for {@code seconds} and reads them on one SSE stream; prints events/s and latency. */
  private void sse(int seconds, int producers, boolean quiet) {
    committedAt.clear();
    String token = node.token(tenant, "bench");
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    try (SseClient stream = SseClient.open(node.port(), "/v1/events?types=instance.updated", token, null)) {
      AtomicInteger produced = produce(seconds, producers);
      long end = System.nanoTime() + 10_000_000_000L;
      while (latencies.size() < produced.get() && System.nanoTime() < end) {
        SseClient.Frame frame = stream.next(2);
        if (frame == null || SseClient.isEnd(frame)) {
          break;
        }
        Long at = committedAt.get(frame.id());
        if (at != null) {
          latencies.add(frame.atNanos() - at);
        }
      }
      report("events-sse", seconds, produced.get(), latencies, producers);
    }
  }

  private void webhook(int seconds, int producers) throws Exception {
    committedAt.clear();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    try (WebhookReceiver receiver = WebhookReceiver.ok()) {
      node.api(node.token(tenant, "bench")).post("/v1/webhooks", new JsonObject().put("url", receiver.url())
          .put("events", new JsonArray().add("instance.updated"))).expect(201);
      AtomicInteger produced = produceAt(seconds, WEBHOOK_RATE);
      long end = System.nanoTime() + 30_000_000_000L;
      while (latencies.size() < produced.get() && System.nanoTime() < end) {
        WebhookReceiver.Received got;
        try {
          got = receiver.next(5);
        } catch (AssertionError quiet) {
          break;
        }
        Long at = committedAt.get(new JsonObject(got.body()).getString("id"));
        if (at != null) {
          latencies.add(got.atNanos() - at);
        }
      }
      report("events-webhook", seconds, produced.get(), latencies, producers);
      if (System.getenv("EVENTS_BENCH_METRICS") != null) {
        String metrics = new dev.ctrlplane.support.Api(node.port(), null).get("/metrics").body();
        metrics.lines().filter(l -> l.contains("scheduler") && (l.contains("webhook") || l.contains("fanout")))
            .forEach(l -> System.out.println("events-metric\t" + l));
      }
    }
  }

  private void idleStreams(int count) throws Exception {
    System.gc();
    Thread.sleep(1000);
    long before = rssKb();
    List<Socket> sockets = new ArrayList<>();
    String token = node.adminToken();
    try {
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket("127.0.0.1", node.port());
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v1/events?tenant_id=" + tenant + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        sockets.add(socket);
      }
      for (Socket socket : sockets) {
        socket.getInputStream().read(new byte[256]); // the stream's headers: it is open
      }
      System.gc();
      Thread.sleep(2000);
      long after = rssKb();
      System.out.printf("events-idle\tstreams\t%d\trss_before_mb\t%.1f\trss_after_mb\t%.1f\tkb_per_stream\t%.1f%n",
          count, before / 1024.0, after / 1024.0, (after - before) / (double) count);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /** {@code producers} loops, each committing one event per unit of work until the time is up. */
  private AtomicInteger produce(int seconds, int producers) {
    Transactions transactions = node.plane().transactions();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger produced = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      loops.add(loop(transactions, stop, produced));
    }
    node.plane().vertx().setTimer(seconds * 1000L, id -> stop.set(true));
    Futures.await(Future.all(loops), seconds + 60);
    return produced;
  }

  /** {@code rate} events/s, one unit of work each, started on a 10 ms grid (what a receiver is offered). */
  private AtomicInteger produceAt(int seconds, int rate) {
    Transactions transactions = node.plane().transactions();
    AtomicInteger produced = new AtomicInteger();
    List<Future<Void>> all = Collections.synchronizedList(new ArrayList<>());
    int perTick = Math.max(1, rate / 100);
    long ticks = seconds * 100L;
    long[] done = new long[1];
    io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
    node.plane().vertx().setPeriodic(10, id -> {
      for (int i = 0; i < perTick; i++) {
        all.add(commitOne(transactions, produced));
      }
      if (++done[0] >= ticks) {
        node.plane().vertx().cancelTimer(id);
        finished.complete();
      }
    });
    Futures.await(finished.future().compose(v -> Future.all(new ArrayList<>(all))), seconds + 60);
    return produced;
  }

  private Future<Void> commitOne(Transactions transactions, AtomicInteger produced) {
    Call call = new Call("bench", Principal.system(), "bench", null, new JsonObject());
    String[] id = new String[1];
    return transactions.run(call, tx -> {
      id[0] = tx.emit(EventType.INSTANCE_UPDATED, tenant, null, tenant, new JsonObject().put("n", 1)).id();
      return Future.succeededFuture();
    }).map(done -> {
      committedAt.put(id[0], System.nanoTime());
      produced.incrementAndGet();
      return (Void) null;
    });
  }

  private Future<Void> loop(Transactions transactions, AtomicBoolean stop, AtomicInteger produced) {
    if (stop.get()) {
      return Future.succeededFuture();
    }
    Call call = new Call("bench", Principal.system(), "bench", null, new JsonObject());
    String[] id = new String[1];
    return transactions.run(call, tx -> {
      id[0] = tx.emit(EventType.INSTANCE_UPDATED, tenant, null, tenant, new JsonObject().put("n", 1)).id();
      return Future.succeededFuture();
    }).compose(done -> {
      committedAt.put(id[0], System.nanoTime());
      produced.incrementAndGet();
      return loop(transactions, stop, produced);
    });
  }

  /**
   * Events/s over the whole run: everything delivered, divided by the production time plus the p99 latency (a
   * consumer that falls behind is charged for the time it took to catch up).
   */
  private static void report(String name, int seconds, int produced, List<Long> latencies, int producers) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    double span = seconds + ms(sorted, 0.99) / 1000.0;
    System.out.printf("%s\tevents/s\t%.0f\tdelivered\t%d/%d\tp50_ms\t%.1f\tp99_ms\t%.1f\tproducers\t%d%n", name,
        sorted.size() / span, sorted.size(), produced, ms(sorted, 0.50), ms(sorted, 0.99), producers);
  }

  private static double ms(List<Long> sorted, double q) {
    return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) (q * sorted.size()))) / 1e6;
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
