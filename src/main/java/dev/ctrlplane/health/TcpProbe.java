package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;

/** {@code tcp}: healthy when the port accepts a connection within the timeout; the connection is closed at once. */
final class TcpProbe {

  private final Vertx vertx;
  private final NetClient net;

  TcpProbe(Vertx vertx) {
    this.vertx = vertx;
    this.net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  Future<ProbeResult> probe(String host, int port, Duration timeout) {
    ConnectOptions options = new ConnectOptions().setHost(host).setPort(port)
        .setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    return Attempt.run(vertx, timeout, attempt -> net.connect(options)
        .onSuccess(socket -> {
          socket.close();
          attempt.passed(null, "connected to " + host + ":" + port);
        })
        .onFailure(attempt::failed));
  }

  Future<Void> close() {
    return net.close();
  }
}
