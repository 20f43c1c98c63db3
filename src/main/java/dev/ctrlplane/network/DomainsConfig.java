package dev.ctrlplane.network;

import dev.ctrlplane.config.ConfigException;
import dev.ctrlplane.config.Durations;
import dev.ctrlplane.config.Settings;
import io.vertx.core.net.HostAndPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Custom domains and certificates ({@code dns.*}, {@code certs.*}): the resolvers a verification asks (in order), how
 * long one may take to answer, how often and for how long unverified domains are looked up again, and the lifetime and
 * renewal window of certificates.
 */
public record DomainsConfig(List<HostAndPort> dnsServers, Duration dnsTimeout, Duration recheckInterval,
    Duration recheckFor, Duration certValidity, Duration renewBefore, Duration renewCheckInterval) {

  static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  public static DomainsConfig from(Settings s) {
    List<String> listed = s.list("dns.servers");
    List<HostAndPort> servers = listed.isEmpty() ? resolvConf(RESOLV_CONF) : listed.stream()
        .map(entry -> server("dns.servers", entry)).toList();
    Duration timeout = atLeast(s, "dns.timeout", Duration.ofMillis(50));
    Duration recheck = atLeast(s, "dns.recheck_interval", Duration.ofMillis(100));
    Duration recheckFor = atLeast(s, "dns.recheck_for", Duration.ZERO);
    Duration validity = atLeast(s, "certs.validity", Duration.ofSeconds(1));
    Duration renewBefore = atLeast(s, "certs.renew_before", Duration.ZERO);
    Duration renewCheck = atLeast(s, "certs.renew_check_interval", Duration.ofMillis(100));
    return new DomainsConfig(List.copyOf(servers), timeout, recheck, recheckFor, validity, renewBefore, renewCheck);
  }

  /** The nameservers of a resolv.conf; 127.0.0.1 when it lists none or cannot be read (what the C resolver does). */
  static List<HostAndPort> resolvConf(Path file) {
    List<HostAndPort> servers = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String[] words = line.trim().split("\\s+");
        if (words.length >= 2 && words[0].equals("nameserver")) {
          String host = words[1].contains("%") ? words[1].substring(0, words[1].indexOf('%')) : words[1];
          servers.add(HostAndPort.create(host, 53));
        }
      }
    } catch (IOException unreadable) {
      // the default below
    }
    return servers.isEmpty() ? List.of(HostAndPort.create("127.0.0.1", 53)) : servers;
  }

  /** "host", "host:port", "[v6]:port" or a bare IPv6 address. */
  static HostAndPort server(String key, String entry) {
    String text = entry.trim();
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw ConfigException.invalid(key, entry, "expected host, host:port or [ipv6]:port");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        port = port(key, entry, text.substring(close + 1).replaceFirst("^:", ""));
      }
    } else if (text.chars().filter(c -> c == ':').count() == 1) {
      host = text.substring(0, text.indexOf(':'));
      port = port(key, entry, text.substring(text.indexOf(':') + 1));
    }
    if (host.isEmpty()) {
      throw ConfigException.invalid(key, entry, "expected host, host:port or [ipv6]:port");
    }
    return HostAndPort.create(host, port);
  }

  private static int port(String key, String entry, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException notANumber) {
      // below
    }
    throw ConfigException.invalid(key, entry, "expected a port between 1 and 65535");
  }

  private static Duration atLeast(Settings s, String key, Duration min) {
    Duration value = s.duration(key);
    if (value.compareTo(min) < 0) {
      throw ConfigException.invalid(key, Durations.format(value), "expected at least " + Durations.format(min));
    }
    return value;
  }
}
