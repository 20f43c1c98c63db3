package dev.ctrlplane.health;

import dev.ctrlplane.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one check against one replica: resolves the target to the replica's endpoint (or, for a target the operator
 * allowed, to its address, refusing a name that resolves somewhere sensitive), then runs the probe of the check's
 * type. Never fails: a probe that cannot run is an unhealthy result with the reason.
 */
public final class Probes {

  private static final String LOOPBACK = "127.0.0.1";

  private final Vertx vertx;
  private final AllowedTargets allowed;
  private final HttpProbe http;
  private final TcpProbe tcp;
  private final GrpcProbe grpc;
  private final CommandProbe command;

  public Probes(Vertx vertx, HealthConfig config) {
    this.vertx = vertx;
    this.allowed = config.allowedTargets();
    this.http = new HttpProbe(vertx, 64);
    this.tcp = new TcpProbe(vertx);
    this.grpc = new GrpcProbe(vertx);
    this.command = new CommandProbe(vertx);
  }

  public Future<ProbeResult> probe(HealthCheck check, Target target, ProbeSubject instance, Replica replica) {
    Duration timeout = check.timeout();
    if (target.kind() == Target.Kind.COMMAND) {
      return command.probe(target.command(), replica.pid(), commandEnv(instance, replica), timeout);
    }
    if (target.kind() == Target.Kind.FIXED) {
      return resolve(target).compose(address -> address.isPresent()
          ? run(check.type(), target, address.get(), target.port(), timeout)
          : Future.succeededFuture(new ProbeResult(false, 0, null, "target " + target.host()
              + " resolves to a loopback, link-local or wildcard address, which no check may reach")));
    }
    if (replica.port() <= 0) {
      return Future.succeededFuture(new ProbeResult(false, 0, null,
          "replica " + replica.index() + " has no endpoint (" + replica.state() + ")"));
    }
    String host = replica.host() == null || replica.host().isEmpty() ? LOOPBACK : replica.host();
    return run(check.type(), target, host, replica.port(), timeout);
  }

  private Future<ProbeResult> run(CheckType type, Target target, String host, int port, Duration timeout) {
    return switch (type) {
      case HTTP -> http.probe(target.https(), host, port, target.path(), timeout);
      case TCP -> tcp.probe(host, port, timeout);
      case GRPC -> grpc.probe(host, port, target.path(), timeout);
      case COMMAND -> throw new IllegalStateException("a command has no endpoint");
    };
  }

  /**
   * The address to connect to for an allowed target named by host: the first it resolves to, or empty when any of
   * them is sensitive and not itself allowed by IP (a name must not smuggle a probe onto the loopback).
   */
  private Future<Optional<String>> resolve(Target target) {
    InetAddress literal = Hosts.literal(target.host());
    if (literal != null) {
      return Future.succeededFuture(Optional.of(literal.getHostAddress()));
    }
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(target.host());
      boolean sensitive = Arrays.stream(all)
          .anyMatch(a -> Hosts.isSensitive(a) && !allowed.allowsAddress(a, target.port()));
      return sensitive ? Optional.<String>empty() : Optional.of(all[0].getHostAddress());
    }, false);
  }

  private static Map<String, String> commandEnv(ProbeSubject instance, Replica replica) {
    Map<String, String> env = new LinkedHashMap<>();
    instance.env().forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put("PORT", Integer.toString(replica.port()));
    env.put("HOST", replica.host() == null ? LOOPBACK : replica.host());
    env.put("CTRLPLANE_INSTANCE_ID", instance.instanceId());
    env.put("CTRLPLANE_REPLICA", Integer.toString(replica.index()));
    return env;
  }

  public Future<Void> close() {
    return Future.join(http.close(), tcp.close(), grpc.close()).mapEmpty();
  }
}
