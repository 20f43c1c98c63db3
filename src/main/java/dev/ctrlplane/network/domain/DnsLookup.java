package dev.ctrlplane.network.domain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.net.HostAndPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TXT lookups through the configured resolvers ({@code dns.servers}), with Vert.x's DNS client: each resolver is
 * asked in turn until one answers (an answer that the name does not exist counts: it is an answer); one that does
 * not answer within {@code dns.timeout}, or answers SERVFAIL or REFUSED, is skipped. When none answers the lookup
 * fails with {@link Unreachable}.
 */
public final class DnsLookup {

  /** What a resolver said: the TXT strings at the name (empty when there are none, or the name does not exist). */
  public record Answer(String server, String name, List<String> values, boolean nameExists) {}

  /** No resolver answered. */
  public static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private final List<HostAndPort> servers;
  private final List<DnsClient> clients = new ArrayList<>();

  public DnsLookup(Vertx vertx, List<HostAndPort> servers, Duration timeout) {
    this.servers = List.copyOf(servers);
    for (HostAndPort server : servers) {
      clients.add(vertx.createDnsClient(new DnsClientOptions().setHost(server.host()).setPort(server.port())
          .setQueryTimeout(timeout.toMillis()).setRecursionDesired(true)));
    }
  }

  public Future<Answer> txt(String name) {
    return ask(0, name, new ArrayList<>());
  }

  private Future<Answer> ask(int index, String name, List<String> failures) {
    if (index >= clients.size()) {
      return Future.failedFuture(new Unreachable("no DNS resolver answered for TXT " + name + ": "
          + String.join("; ", failures)));
    }
    String server = servers.get(index).toString();
    return clients.get(index).resolveTXT(name)
        .map(values -> new Answer(server, name, List.copyOf(values), true))
        .recover(failure -> {
          if (failure instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN) {
            return Future.succeededFuture(new Answer(server, name, List.of(), false));
          }
          failures.add(server + ": " + describe(failure));
          return ask(index + 1, name, failures);
        });
  }

  private static String describe(Throwable failure) {
    if (failure instanceof DnsException dns) {
      return "answered " + dns.code();
    }
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }

  public List<HostAndPort> servers() {
    return servers;
  }
}
