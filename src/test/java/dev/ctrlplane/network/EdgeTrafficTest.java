package dev.ctrlplane.network;

import static dev.ctrlplane.network.EdgeFixtures.awaitStatus;
import static dev.ctrlplane.network.EdgeFixtures.hello;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.network.EdgeFixtures.Tenant;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.Processes;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traffic through the edge while replicas come and go: WebSocket pass-through, a replica killed mid-traffic, and no
 * failed request during rolling and blue-green deploys of a 3-replica hello instance.
 */
class EdgeTrafficTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(java.util.Map.of("deploy.health_deadline", "30s"));

  private static final int CLIENTS = 4;

  private static int edge() {
    return node.node().edgePort();
  }

  /** One request's outcome as a client saw it. */
  record Outcome(long atNanos, int status, String detail) {}

  /** Clients sending requests through the edge without pause until stopped; every outcome kept. */
  static final class Load implements AutoCloseable {
    final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean running = new AtomicBoolean(true);
    final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    final List<Future<?>> clients = new ArrayList<>();

    Load(String host, String target) {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(pool.submit(() -> {
          while (running.get()) {
            try {
              Api.Response r = EdgeHttp.get(edge(), host, target);
              outcomes.add(new Outcome(System.nanoTime(), r.status(), r.status() == 200 ? "" : r.body()));
            } catch (RuntimeException e) {
              outcomes.add(new Outcome(System.nanoTime(), -1, e.getMessage()));
            }
          }
        }));
      }
    }

    long countAfter(long nanos) {
      synchronized (outcomes) {
        return outcomes.stream().filter(o -> o.atNanos() > nanos).count();
      }
    }

    List<Outcome> failures() {
      synchronized (outcomes) {
        return outcomes.stream().filter(o -> o.status() != 200).toList();
      }
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      for (Future<?> client : clients) {
        client.get(30, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }
  }

  @Test
  void aWebSocketIsPassedThroughToTheReplicaAndEchoed() throws Exception {
    Tenant t = EdgeFixtures.tenant(node);
    hello(t.api(), "ws", 1);
    String host = t.host("ws");
    awaitStatus(edge(), host, "/", 200);
    try (Socket socket = new Socket("127.0.0.1", edge())) {
      socket.setSoTimeout(10_000);
      String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
      assertTrue(head.toLowerCase().contains("sec-websocket-accept: " + accept.toLowerCase()), head);

      byte[] hello = "hello through the edge".getBytes(StandardCharsets.UTF_8);
      writeFrame(out, 1, hello);
      assertArrayEquals(hello, readFrame(in, 1));
      byte[] big = new byte[70_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) i;
      }
      writeFrame(out, 2, big);
      assertArrayEquals(big, readFrame(in, 2));
      writeFrame(out, 8, new byte[0]);
      readFrame(in, 8);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** A client frame: FIN, masked (RFC 6455 §5.3). */
  private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift) & 0xff);
      }
    }
    byte[] mask = {1, 2, 3, 4};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  private static byte[] readFrame(InputStream raw, int opcode) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    int first = in.readUnsignedByte();
    assertEquals(opcode, first & 0x0f, "opcode");
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return payload;
  }

  @Test
  void aReplicaKilledMidTrafficCostsAtMostTheRequestsInFlight() throws Exception {
    Tenant t = EdgeFixtures.tenant(node);
    JsonObject web = hello(t.api(), "kill", 3);
    String host = t.host("kill");
    awaitStatus(edge(), host, "/headers", 200);
    long killedAt;
    try (Load load = new Load(host, "/headers")) {
      Poll.until(() -> load.outcomes.size() > 100, 20, () -> "traffic to flow");
      List<Long> pids = Processes.of(web.getString("id"));
      assertEquals(3, pids.size(), "three replica processes: " + pids);
      killedAt = System.nanoTime();
      Processes.kill(pids.get(1));
      Poll.until(() -> load.countAfter(killedAt + 2_000_000_000L) > 200,
          30, () -> "traffic after the kill");
      List<Outcome> failures = load.failures();
      assertTrue(failures.size() <= CLIENTS, "at most the requests in flight failed: " + failures);
      assertTrue(failures.stream().noneMatch(f -> f.atNanos() > killedAt + 1_000_000_000L),
          "no failure once the replica is out: " + failures);
    }
  }

  @Test
  void rollingAndBlueGreenDeploysOfThreeReplicasFailNoRequest() throws Exception {
    Tenant t = EdgeFixtures.tenant(node);
    JsonObject web = hello(t.api(), "zero", 3);
    String id = web.getString("id");
    String host = t.host("zero");
    awaitStatus(edge(), host, "/", 200);
    try (Load load = new Load(host, "/")) {
      Poll.until(() -> load.outcomes.size() > 50, 20, () -> "traffic to flow");
      deploy(t.api(), id, "hello:2.0", "rolling");
      Poll.until(() -> version(host).equals(Optional.of("2.0")), 10, () -> "2.0 to serve");
      deploy(t.api(), id, "hello:1.0", "blue-green");
      Poll.until(() -> version(host).equals(Optional.of("1.0")), 10, () -> "1.0 to serve");
      int before = load.outcomes.size();
      Poll.until(() -> load.outcomes.size() > before + 50, 20, () -> "traffic after the deploys");
      assertEquals(List.of(), load.failures(), "no failed request among " + load.outcomes.size());
    }
  }

  private static Optional<String> version(String host) {
    Api.Response r = EdgeHttp.get(edge(), host, "/");
    return r.status() == 200 ? Optional.of(r.json().getString("version")) : Optional.empty();
  }

  private static void deploy(Api api, String id, String image, String strategy) {
    String deployment = api.post("/v1/instances/" + id + "/deploy", new JsonObject().put("image", image)
        .put("strategy", strategy)).expect(201).id();
    Poll.until(() -> "succeeded".equals(api.get("/v1/deployments/" + deployment).expect(200).json()
        .getString("state")), 120, () -> strategy + " deploy of " + image + " to succeed");
  }
}
