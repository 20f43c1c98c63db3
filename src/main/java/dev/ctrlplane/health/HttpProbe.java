package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;

/**
 * {@code http}: a GET; 2xx and 3xx are healthy, and a redirect is not followed (its target could be anywhere). The
 * connections are kept alive and pooled per endpoint; the body is read and dropped so the connection can be reused.
 */
final class HttpProbe {

  private static final String USER_AGENT = "ctrlplane-health/1";

  private final Vertx vertx;
  private final HttpClient plain;
  private final HttpClient tls;

  HttpProbe(Vertx vertx, int maxPerEndpoint) {
    this.vertx = vertx;
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxPerEndpoint).setMaxWaitQueueSize(-1);
    this.plain = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setKeepAliveTimeout(30).setTcpNoDelay(true), pool);
    // a replica's own certificate is commonly self-signed: the probe checks health, not identity
    this.tls = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setKeepAlive(true), pool);
  }

  Future<ProbeResult> probe(boolean https, String host, int port, String path, Duration timeout) {
    long ms = timeout.toMillis();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI(path).setFollowRedirects(false).setConnectTimeout(ms).setIdleTimeout(ms)
        .putHeader("User-Agent", USER_AGENT);
    HttpClient client = https ? tls : plain;
    return Attempt.run(vertx, timeout, attempt -> client.request(options)
        .compose(request -> {
          attempt.onTimeout(request::reset);
          return request.send();
        })
        .compose(response -> {
          int code = response.statusCode();
          response.handler(ignored -> {});
          return response.end().map(code);
        })
        .onSuccess(code -> {
          if (code >= 200 && code < 400) {
            attempt.passed(code, "HTTP " + code);
          } else {
            attempt.failed(code, "HTTP " + code);
          }
        })
        .onFailure(attempt::failed));
  }

  Future<Void> close() {
    return Future.join(plain.close(), tls.close()).mapEmpty();
  }
}
