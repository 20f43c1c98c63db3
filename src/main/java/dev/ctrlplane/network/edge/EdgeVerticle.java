package dev.ctrlplane.network.edge;

import dev.ctrlplane.config.CtrlplaneConfig.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge router's data plane on one event loop: an HTTP server on {@code edge.host:edge.port} and an HTTPS one on
 * {@code edge.tls_port} (every loop of the node shares the ports; the certificate is chosen per handshake by SNI) and
 * a keep-alive client pool to the replicas. A request is matched on its Host and longest
 * path prefix ({@link RoutingTable}), sent to the next usable replica of the matched instance (round robin, skipping
 * replicas known unhealthy or unreachable, {@link ReplicaHealth}), with its body and the response's streamed through
 * without buffering. A replica that cannot be connected to is marked down and the request goes to another (nothing
 * was sent yet); a body-less idempotent request whose connection broke before the response is also tried again.
 * WebSocket upgrades become a byte pipe between the two sockets once the replica answers 101.
 */
public final class EdgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final int MAX_ATTEMPTS = 3;

  /** What every edge verticle of a node shares. */
  public record Shared(EdgeConfig config, int port, RoutingFeed feed, ReplicaHealth health, EdgeRecords records,
      int tlsPort, X509KeyManager certificates) {}

  private final Shared shared;
  private final AtomicInteger roundRobin = new AtomicInteger();
  private HttpServer server;
  private HttpServer tlsServer;
  private HttpClient client;
  private EdgeRecords.Buffer records;

  public EdgeVerticle(Shared shared) {
    this.shared = shared;
  }

  public int actualPort() {
    return server.actualPort();
  }

  public int actualTlsPort() {
    return tlsServer.actualPort();
  }

  @Override
  public Future<?> start() {
    EdgeConfig config = shared.config();
    records = shared.records().buffer();
    client = vertx.createHttpClient(new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(30)
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setMaxInitialLineLength(8192)
            .setTcpNoDelay(true)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerReplica()).setMaxWaitQueueSize(4096));
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(shared.port())
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        .setIdleTimeout(120));
    server.requestHandler(this::handle);
    // HTTPS: one TLS context whose key manager picks each handshake's certificate by SNI (network/cert/CertBook)
    tlsServer = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(shared.tlsPort())
        .setSsl(true)
        .setKeyCertOptions(KeyCertOptions.wrap(shared.certificates()))
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        .setIdleTimeout(120));
    tlsServer.requestHandler(this::handle);
    vertx.setPeriodic(EdgeRecords.FLUSH_MS, id -> records.flush());
    return server.listen().compose(plain -> tlsServer.listen());
  }

  @Override
  public Future<?> stop() {
    records.flush();
    return server.close().eventually(tlsServer::close).eventually(client::close);
  }

  /** One request in flight through the edge. */
  private final class Exchange {
    final HttpServerRequest req;
    final long started = System.nanoTime();
    final long startedAtMillis = System.currentTimeMillis();
    final String requestId;
    final String host;
    final Trace trace;
    final boolean bodyless;
    final boolean upgrade;
    RoutingTable.Match match;
    List<RoutingTable.Upstream> tried = new ArrayList<>(1);
    RoutingTable.Upstream upstream;
    boolean answered;

    Exchange(HttpServerRequest req) {
      this.req = req;
      HostAndPort authority = req.authority();
      String h = authority == null ? "" : authority.host().toLowerCase(Locale.ROOT);
      this.host = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
      this.trace = Trace.continuing(req.getHeader("traceparent"));
      String sent = req.getHeader("X-Request-Id");
      // without one of the caller's, the request is known by its trace (no SecureRandom on the request path)
      this.requestId = sent != null && SANE_REQUEST_ID.matcher(sent).matches() ? sent : trace.traceId();
      String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      this.bodyless = req.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && (length == null || length.equals("0"));
      this.upgrade = ProxyHeaders.isUpgrade(req);
    }
  }

  private void handle(HttpServerRequest req) {
    req.pause();
    Exchange ex = new Exchange(req);
    ex.match = shared.feed().table().match(ex.host, req.path() == null ? "/" : req.path());
    if (ex.match == null) {
      fail(ex, 404, "not_found", "no route for " + (ex.host.isEmpty() ? "(no Host)" : ex.host) + req.path());
      return;
    }
    attempt(ex);
  }

  private void attempt(Exchange ex) {
    RoutingTable.Upstream next = nextUpstream(ex);
    if (next == null) {
      fail(ex, 502, "bad_gateway", "no replica of instance " + ex.match.instance().id() + " is up");
      return;
    }
    ex.upstream = next;
    ex.tried.add(next);
    RequestOptions options = new RequestOptions()
        .setMethod(ex.req.method())
        .setHost(next.host())
        .setPort(next.port())
        .setURI(ex.match.upstreamUri(ex.req.uri()))
        .setHeaders(ProxyHeaders.upstream(ex.req, ex.upgrade, ex.bodyless, ex.trace, ex.requestId));
    client.request(options).onComplete(connected -> {
      if (connected.failed()) {
        // nothing was sent: any request may go to another replica
        shared.health().markDown(next);
        retryOrFail(ex, connected.cause());
        return;
      }
      HttpClientRequest upstream = connected.result();
      HostAndPort authority = ex.req.authority();
      if (authority != null) {
        upstream.authority(authority);
      }
      if (ex.upgrade) {
        upgrade(ex, upstream);
        return;
      }
      send(ex, upstream);
    });
  }

  private void send(Exchange ex, HttpClientRequest upstream) {
    long timer = vertx.setTimer(shared.config().upstreamTimeout().toMillis(), id -> {
      fail(ex, 504, "timeout", "instance " + ex.match.instance().id() + " did not answer within "
          + shared.config().upstreamTimeout().toSeconds() + "s");
      upstream.reset();
    });
    ex.req.response().closeHandler(v -> upstream.reset());
    Future<HttpClientResponse> response;
    if (ex.bodyless) {
      ex.req.resume();
      response = upstream.send();
    } else {
      response = upstream.send(ex.req);
    }
    response.onComplete(got -> {
      vertx.cancelTimer(timer);
      if (ex.answered) {
        return;
      }
      if (got.failed()) {
        if (ex.bodyless && IDEMPOTENT.contains(ex.req.method())) {
          shared.health().markDown(ex.upstream);
          retryOrFail(ex, got.cause());
        } else {
          fail(ex, 502, "bad_gateway", "instance " + ex.match.instance().id() + ": the replica closed the "
              + "connection before answering");
        }
        return;
      }
      relay(ex, got.result());
    });
  }

  private void relay(Exchange ex, HttpClientResponse from) {
    HttpServerResponse to = ex.req.response();
    to.setStatusCode(from.statusCode());
    to.setStatusMessage(from.statusMessage());
    ProxyHeaders.copyEndToEnd(from.headers(), to.headers());
    ex.answered = true;
    to.send(from).onComplete(done -> {
      if (done.failed()) {
        to.reset();
      }
      record(ex, from.statusCode());
    });
  }

  private void upgrade(Exchange ex, HttpClientRequest upstream) {
    upstream.connect().onComplete(got -> {
      if (got.failed()) {
        ex.req.resume();
        fail(ex, 502, "bad_gateway", "instance " + ex.match.instance().id() + ": the upgrade failed");
        return;
      }
      HttpClientResponse answer = got.result();
      HttpServerResponse to = ex.req.response();
      if (answer.statusCode() != 101) {
        ex.req.resume();
        relay(ex, answer);
        return;
      }
      to.setStatusCode(101);
      answer.headers().forEach(h -> to.headers().add(h.getKey(), h.getValue()));
      ex.answered = true;
      ex.req.toNetSocket().onComplete(client -> {
        NetSocket backend = answer.netSocket();
        if (client.failed()) {
          backend.close();
          record(ex, 502);
          return;
        }
        NetSocket front = client.result();
        front.pipeTo(backend);
        backend.pipeTo(front);
        record(ex, 101);
      });
    });
    ex.req.resume();
  }

  private void retryOrFail(Exchange ex, Throwable cause) {
    if (ex.tried.size() < MAX_ATTEMPTS && nextUpstream(ex) != null) {
      LOG.debug("edge: {} unreachable ({}), trying another replica", ex.upstream.key(), cause.getMessage());
      attempt(ex);
      return;
    }
    fail(ex, 502, "bad_gateway", "no replica of instance " + ex.match.instance().id() + " could be reached");
  }

  /** The next replica in turn that is usable and not tried yet; failing that, one not known unhealthy. */
  private RoutingTable.Upstream nextUpstream(Exchange ex) {
    List<RoutingTable.Upstream> all = ex.match.instance().upstreams();
    int n = all.size();
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(roundRobin.getAndIncrement(), n);
    String instanceId = ex.match.instance().id();
    for (int i = 0; i < n; i++) {
      RoutingTable.Upstream candidate = all.get((start + i) % n);
      if (!ex.tried.contains(candidate) && shared.health().usable(instanceId, candidate)) {
        return candidate;
      }
    }
    if (!ex.tried.isEmpty()) {
      return null;
    }
    // every replica is marked down: one may be back before the probe sees it, so try one rather than refuse
    for (int i = 0; i < n; i++) {
      RoutingTable.Upstream candidate = all.get((start + i) % n);
      if (!shared.health().knownUnhealthy(instanceId, candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private void fail(Exchange ex, int status, String code, String message) {
    if (ex.answered) {
      return;
    }
    ex.answered = true;
    ex.req.resume();
    HttpServerResponse response = ex.req.response();
    if (response.headWritten()) {
      response.reset();
    } else {
      JsonObject body = new JsonObject().put("message", message).put("code", code).put("request_id", ex.requestId);
      response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("X-Request-Id", ex.requestId).end(body.toBuffer());
    }
    record(ex, status);
  }

  private void record(Exchange ex, int status) {
    RoutingTable.Match match = ex.match;
    records.accept(new EdgeRecord(match == null ? null : match.instance().id(),
        match == null ? null : match.target().routeId(), ex.upstream == null ? null : ex.upstream.key(),
        ex.req.method().name(), ex.host, ex.req.path(), status, (System.nanoTime() - ex.started) / 1000,
        ex.req.bytesRead(), ex.req.response().bytesWritten(), ex.trace.traceId(), ex.trace.spanId(),
        ex.trace.parentId(), ex.startedAtMillis));
  }
}
