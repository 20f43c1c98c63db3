package dev.ctrlplane.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each probe against real servers this test starts: HTTP (2xx/3xx healthy, redirects not followed, a server that
 * never answers bounded by the timeout), TCP, the gRPC health protocol (serving and not serving), and commands (exit
 * status, env, working directory, the whole process tree killed at the timeout).
 */
class ProbesTest {

  /** For the probes that time out on purpose. */
  private static final Duration TIMEOUT = Duration.ofMillis(800);
  /** For the others: ample on a loaded machine (a first call pays for its connection and a cold JIT). */
  private static final Duration AMPLE = Duration.ofSeconds(5);

  private static Vertx vertx;
  private static Probes probes;
  private static int httpPort;
  private static int silentPort;
  private static int grpcPort;
  private static final AtomicInteger grpcStatus = new AtomicInteger(1);
  private static final AtomicInteger redirectTargetHits = new AtomicInteger();

  @BeforeAll
  static void servers() {
    vertx = Vertx.vertx();
    probes = new Probes(vertx, new HealthConfig(true, AllowedTargets.parse(List.of()), Duration.ofHours(1), Duration.ofSeconds(10)));
    HttpServer http = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/ok" -> req.response().end("ok");
        case "/redirect" -> req.response().setStatusCode(302).putHeader("Location", "/target").end();
        case "/target" -> {
          redirectTargetHits.incrementAndGet();
          req.response().setStatusCode(500).end();
        }
        case "/hang" -> { } // accepts, never answers
        default -> req.response().setStatusCode(503).end("down");
      }
    });
    httpPort = Futures.await(http.listen(0, "127.0.0.1")).actualPort();
    NetServer silent = vertx.createNetServer().connectHandler(socket -> { }); // accepts TCP, says nothing
    silentPort = Futures.await(silent.listen(0, "127.0.0.1")).actualPort();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(ServiceMethod.server(ServiceName.create("grpc.health.v1.Health"), "Check",
        GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY), request -> request.last().onSuccess(body ->
        request.response().end(Buffer.buffer(new byte[] {0x08, (byte) grpcStatus.get()}))));
    grpcPort = Futures.await(vertx.createHttpServer(new HttpServerOptions()).requestHandler(grpc)
        .listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void close() {
    Futures.await(probes.close());
    Futures.await(vertx.close());
  }

  @Test
  void httpIsHealthyOn2xxAnd3xxWithoutFollowingARedirect() {
    ProbeResult ok = probe(CheckType.HTTP, "/ok", replica(httpPort));
    assertTrue(ok.healthy(), ok.toString());
    assertEquals(200, ok.statusCode());
    ProbeResult redirect = probe(CheckType.HTTP, "/redirect", replica(httpPort));
    assertTrue(redirect.healthy(), "a 302 is healthy: " + redirect);
    assertEquals(302, redirect.statusCode());
    assertEquals(0, redirectTargetHits.get(), "the redirect was not followed");
    ProbeResult down = probe(CheckType.HTTP, "/down", replica(httpPort));
    assertFalse(down.healthy());
    assertEquals(503, down.statusCode());
    assertEquals("HTTP 503", down.message());
  }

  @Test
  void aServerThatNeverAnswersIsUnhealthyAtTheTimeout() {
    long started = System.nanoTime();
    ProbeResult hang = probe(CheckType.HTTP, "/hang", replica(httpPort), TIMEOUT);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertFalse(hang.healthy());
    assertTrue(hang.message().contains("timed out") || hang.message().toLowerCase().contains("timeout"),
        hang.message());
    assertTrue(tookMs >= TIMEOUT.toMillis() - 50 && tookMs < TIMEOUT.toMillis() + 1500, "took " + tookMs + "ms");
    ProbeResult grpcSilent = probe(CheckType.GRPC, ":" + silentPort, replica(silentPort), TIMEOUT);
    assertFalse(grpcSilent.healthy(), "a TCP server that never speaks HTTP/2: " + grpcSilent);
  }

  @Test
  void tcpIsHealthyWhenThePortAcceptsAndUnhealthyWhenRefused() {
    assertTrue(probe(CheckType.TCP, ":" + silentPort, replica(silentPort)).healthy());
    int closed = freePort();
    ProbeResult refused = probe(CheckType.TCP, ":" + closed, replica(closed));
    assertFalse(refused.healthy());
    assertNull(refused.statusCode());
  }

  @Test
  void grpcHealthIsHealthyOnlyWhenServing() {
    grpcStatus.set(1);
    ProbeResult serving = probe(CheckType.GRPC, ":" + grpcPort, replica(grpcPort));
    assertTrue(serving.healthy(), serving.toString());
    assertEquals("SERVING", serving.message());
    grpcStatus.set(2);
    ProbeResult notServing = probe(CheckType.GRPC, ":" + grpcPort, replica(grpcPort));
    assertFalse(notServing.healthy());
    assertEquals("NOT_SERVING", notServing.message());
    grpcStatus.set(1);
  }

  @Test
  void aCommandRunsInTheReplicasDirectoryWithTheInstanceEnv() throws IOException {
    Path dir = Files.createTempDirectory("replica-cwd");
    Files.writeString(dir.resolve("marker"), "x");
    Process replica = new ProcessBuilder("sleep", "30").directory(dir.toFile()).start();
    try {
      Replica r = new Replica(0, "rel_x", replica.pid(), "127.0.0.1", 1, "running", true, Instant.now(), 0);
      assertTrue(probe(CheckType.COMMAND, "test -e marker && test \"$GREETING\" = hi && test \"$PORT\" = 1", r)
          .healthy());
      ProbeResult failing = probe(CheckType.COMMAND, "exit 3", r);
      assertFalse(failing.healthy());
      assertEquals("exit status 3", failing.message());
    } finally {
      replica.destroyForcibly();
    }
  }

  @Test
  void aCommandPastItsTimeoutHasItsWholeProcessTreeKilled() throws Exception {
    Process replica = new ProcessBuilder("sleep", "30").start();
    String marker = "97." + (100 + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 800));
    try {
      Replica r = new Replica(0, "rel_x", replica.pid(), "127.0.0.1", 1, "running", true, Instant.now(), 0);
      ProbeResult hung = probe(CheckType.COMMAND, "sleep " + marker + " & sleep " + marker + "; wait", r, TIMEOUT);
      assertFalse(hung.healthy());
      assertTrue(hung.message().contains("timed out"), hung.message());
      Poll.until(() -> processesWith(marker) == 0, 10, () -> "processes running 'sleep " + marker + "' remain");
    } finally {
      replica.destroyForcibly();
    }
  }

  private static long processesWith(String marker) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
        try {
          return new String(Files.readAllBytes(p.resolve("cmdline"))).contains(marker);
        } catch (IOException gone) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ProbeResult probe(CheckType type, String target, Replica replica) {
    return probe(type, target, replica, AMPLE);
  }

  private static ProbeResult probe(CheckType type, String target, Replica replica, Duration timeout) {
    HealthCheck check = new HealthCheck("chk_x", "ten_x", "inst_x", "c", type, target, Duration.ofSeconds(10),
        timeout, 1, true, Instant.now(), Instant.now());
    Target parsed = Target.parse(type, target, List.of(), AllowedTargets.parse(List.of()));
    return Futures.await(probes.probe(check, parsed, ProbeSubject.of(instance()), replica), 10);
  }

  private static Replica replica(int port) {
    return new Replica(0, "rel_x", 0, "127.0.0.1", port, "running", true, Instant.now(), 0);
  }

  static Instance instance() {
    return new Instance("inst_x", "ten_x", "x", "x", "hello:1.0", "process", null, null, null, InstanceState.RUNNING,
        null, Resources.DEFAULT, List.of(), new JsonObject().put("GREETING", "hi"), new JsonObject(), List.of(),
        "rel_x", null, null, null, null, false, 1, Instant.now(), Instant.now());
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
