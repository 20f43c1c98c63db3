package dev.ctrlplane.deploy;

import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.net.URI;

/**
 * "Healthy" for an instance without health checks (SPEC §5): the replica is ready and its port accepts connections.
 * A replica without a port (the noop provider) is healthy when its provider says it is ready.
 */
final class ConnectGate implements ReplicaGate {

  private final NetClient net;

  /** {@code net} must have a connect timeout: a probe never waits longer than that. */
  ConnectGate(NetClient net) {
    this.net = net;
  }

  @Override
  public Future<Verdict> probe(Instance instance, Replica replica) {
    if (!replica.ready()) {
      return Future.succeededFuture(Verdict.failing("replica " + replica.index() + " is " + replica.state()));
    }
    Endpoint endpoint = replica.endpoint();
    if (endpoint == null) {
      return Future.succeededFuture(Verdict.ok());
    }
    String host = URI.create(endpoint.url()).getHost();
    return net.connect(endpoint.port(), host)
        .compose(NetSocket::close)
        .map(Verdict.ok())
        .otherwise(failure -> Verdict.failing("replica " + replica.index() + " does not accept connections on "
            + host + ":" + endpoint.port() + ": " + failure.getMessage()));
  }
}
