package dev.ctrlplane.health;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operator's {@code health.allowed_targets}: hosts (by name, optionally with a port), IPs and CIDR blocks that a
 * check may probe besides its instance's own replicas. Empty by default, so nothing else is reachable.
 */
public final class AllowedTargets {

  /** One entry: a host name, or an address block (an IP is a /32 or /128); port 0 = any port. */
  private record Entry(String name, byte[] network, int prefix, int port) {

    boolean matchesName(String host, int p) {
      return name != null && name.equals(host) && (port == 0 || port == p);
    }

    boolean covers(InetAddress address, int p) {
      if (network == null || (port != 0 && port != p)) {
        return false;
      }
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int bits = prefix;
      for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
        int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
        if ((a[i] & mask) != (network[i] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Entry> entries;

  private AllowedTargets(List<Entry> entries) {
    this.entries = entries;
  }

  /** Parses the configured entries; throws {@link IllegalArgumentException} naming a malformed one. */
  public static AllowedTargets parse(List<String> configured) {
    List<Entry> entries = new ArrayList<>();
    for (String raw : configured) {
      entries.add(entry(raw.trim().toLowerCase(Locale.ROOT)));
    }
    return new AllowedTargets(List.copyOf(entries));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Whether the target as written ({@code host} a name or an IP literal) is allowed. */
  public boolean allows(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    if (entries.stream().anyMatch(e -> e.matchesName(h, port))) {
      return true;
    }
    InetAddress literal = Hosts.literal(h);
    return literal != null && allowsAddress(literal, port);
  }

  /** Whether an address a name resolved to is covered by an IP or CIDR entry. */
  public boolean allowsAddress(InetAddress address, int port) {
    return entries.stream().anyMatch(e -> e.covers(address, port));
  }

  private static Entry entry(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an entry is empty");
    }
    int slash = text.indexOf('/');
    if (slash > 0) {
      InetAddress network = Hosts.literal(text.substring(0, slash));
      int prefix = parseInt(text.substring(slash + 1), text);
      if (network == null || prefix < 0 || prefix > network.getAddress().length * 8) {
        throw new IllegalArgumentException("'" + text + "' is not a CIDR block");
      }
      return new Entry(null, network.getAddress(), prefix, 0);
    }
    InetAddress whole = Hosts.literal(text);
    if (whole != null) {
      return new Entry(null, whole.getAddress(), whole.getAddress().length * 8, 0);
    }
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : text;
    int port = colon > 0 ? parseInt(text.substring(colon + 1), text) : 0;
    if (port < 0 || port > 65535 || !host.matches("[a-z0-9.\\-\\[\\]:]+")) {
      throw new IllegalArgumentException("'" + text + "' is not a host, host:port, IP or CIDR block");
    }
    InetAddress ip = Hosts.literal(host);
    return ip != null
        ? new Entry(null, ip.getAddress(), ip.getAddress().length * 8, port)
        : new Entry(host, null, 0, port);
  }

  private static int parseInt(String text, String entry) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + entry + "' has a malformed number");
    }
  }
}
