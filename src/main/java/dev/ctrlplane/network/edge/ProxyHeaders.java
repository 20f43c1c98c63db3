package dev.ctrlplane.network.edge;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which headers cross the edge, each way (RFC 9110 §7.6.1 hop-by-hop, X-Forwarded-*, W3C trace context). */
final class ProxyHeaders {

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

  private ProxyHeaders() {}

  /**
   * The headers the replica gets: the client's, without hop-by-hop ones, {@code Host} (set as the authority) and any
   * {@code X-Forwarded-*} or {@code traceparent} of the client's; then {@code X-Forwarded-For} (appended),
   * {@code -Proto}, {@code -Host}, the edge's {@code traceparent} and the request id.
   */
  static MultiMap upstream(HttpServerRequest req, boolean upgrade, boolean bodyless, Trace trace, String requestId) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    MultiMap in = req.headers();
    Set<String> listed = connectionListed(in);
    for (var h : in) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || listed.contains(name) || name.equals("host")
          || name.equals("traceparent") || name.startsWith("x-forwarded-")) {
        continue;
      }
      out.add(h.getKey(), h.getValue());
    }
    if (upgrade) {
      out.set("Connection", "Upgrade");
      out.set("Upgrade", in.get("Upgrade"));
    }
    String remote = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    String forwardedFor = in.get("X-Forwarded-For");
    if (remote != null) {
      out.set("X-Forwarded-For", forwardedFor == null ? remote : forwardedFor + ", " + remote);
    } else if (forwardedFor != null) {
      out.set("X-Forwarded-For", forwardedFor);
    }
    out.set("X-Forwarded-Proto", req.scheme() == null ? "http" : req.scheme());
    String host = in.get(HttpHeaders.HOST);
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
    out.set("traceparent", trace.header());
    out.set("X-Request-Id", requestId);
    if (!bodyless && in.get(HttpHeaders.CONTENT_LENGTH) == null) {
      out.remove(HttpHeaders.CONTENT_LENGTH);
    }
    return out;
  }

  /** Copies a response's headers but the hop-by-hop ones. */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    Set<String> listed = connectionListed(from);
    for (var h : from) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !listed.contains(name)) {
        to.add(h.getKey(), h.getValue());
      }
    }
  }

  /** Headers the sender named in {@code Connection}: hop-by-hop too (RFC 9110 §7.6.1). */
  private static Set<String> connectionListed(MultiMap headers) {
    List<String> values = headers.getAll(HttpHeaders.CONNECTION);
    if (values.isEmpty()) {
      return Set.of();
    }
    Set<String> names = new java.util.HashSet<>();
    for (String value : values) {
      for (String token : value.split(",")) {
        names.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** A GET asking to switch protocols (WebSocket): passed through as a byte pipe once the replica agrees. */
  static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    String connection = req.getHeader(HttpHeaders.CONNECTION);
    return upgrade != null && connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade")
        && req.method() == HttpMethod.GET;
  }
}
