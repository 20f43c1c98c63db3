package dev.ctrlplane.provider.docker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The few Docker Engine API calls the provider makes, over HTTP/1.1 on the engine's unix socket or TCP port, with
 * the Vert.x HTTP client (no SDK). Paths carry the API version {@value #API}, which both Docker (since 20.10) and
 * Podman's compatible service serve. Every call has a time-out; an engine that cannot be reached fails the call
 * with an {@link EngineException#unreachable} one, an error status with the engine's own message.
 */
final class EngineClient {

  static final String API = "/v1.41";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  /** A response: its status and body. */
  record Response(int status, Buffer body) {

    JsonObject json() {
      return body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }

    JsonArray array() {
      return body.length() == 0 ? new JsonArray() : body.toJsonArray();
    }
  }

  private final EngineAddress address;
  private final HttpClientAgent http;

  EngineClient(Vertx vertx, EngineAddress address) {
    this.address = address;
    this.http = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
  }

  String describe() {
    return address.text();
  }

  Future<Response> get(String path) {
    return call(HttpMethod.GET, path, null, DEFAULT_TIMEOUT);
  }

  Future<Response> get(String path, Duration timeout) {
    return call(HttpMethod.GET, path, null, timeout);
  }

  Future<Response> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body, DEFAULT_TIMEOUT);
  }

  Future<Response> post(String path, JsonObject body, Duration timeout) {
    return call(HttpMethod.POST, path, body, timeout);
  }

  Future<Response> delete(String path) {
    return call(HttpMethod.DELETE, path, null, DEFAULT_TIMEOUT);
  }

  /** Unversioned {@code GET /_ping}: "OK" when the engine serves. */
  Future<Void> ping(Duration timeout) {
    return send(HttpMethod.GET, "/_ping", null, timeout).compose(this::checked).mapEmpty();
  }

  /**
   * {@code method path} (versioned), with a JSON body when {@code body} is not null; an error status fails with the
   * engine's message.
   */
  Future<Response> call(HttpMethod method, String path, JsonObject body, Duration timeout) {
    return send(method, API + path, body, timeout).compose(this::checked);
  }

  /** {@code PUT path} with a tar archive as the body. */
  Future<Response> putTar(String path, Buffer tar) {
    return send(HttpMethod.PUT, API + path, tar, "application/x-tar", DEFAULT_TIMEOUT).compose(this::checked);
  }

  private Future<Response> send(HttpMethod method, String uri, JsonObject body, Duration timeout) {
    return send(method, uri, body == null ? null : body.toBuffer(), "application/json", timeout);
  }

  private Future<Response> send(HttpMethod method, String uri, Buffer body, String contentType, Duration timeout) {
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setURI(uri)
        .setServer(address.socketAddress())
        .setHost(address.isTcp() ? address.host() : "localhost")
        .setPort(address.isTcp() ? address.port() : 80)
        .setIdleTimeout(timeout.toMillis())
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    if (body != null) {
      options.putHeader("Content-Type", contentType);
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(buffer -> new Response(response.statusCode(), buffer)))
        .recover(failure -> Future.failedFuture(failure instanceof EngineException
            ? failure
            : EngineException.unreachable(address.text(), failure)));
  }

  private Future<Response> checked(Response response) {
    if (response.status() < 400) {
      return Future.succeededFuture(response);
    }
    return Future.failedFuture(new EngineException(response.status(), messageOf(response)));
  }

  private static String messageOf(Response response) {
    String text = response.body().toString(StandardCharsets.UTF_8).strip();
    try {
      String message = new JsonObject(text).getString("message");
      if (message != null) {
        return message;
      }
    } catch (DecodeException | ClassCastException notJson) {
      // the plain text is the message
    }
    return text.isEmpty() ? "HTTP " + response.status() : text;
  }

  Future<Void> close() {
    return http.close();
  }

  /** A query string of the parameters, encoded: {@code ?a=1&b=x%20y}. */
  static String query(Map<String, String> params) {
    StringJoiner joined = new StringJoiner("&", "?", "");
    params.forEach((k, v) -> joined.add(encode(k) + "=" + encode(v)));
    return joined.toString();
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
