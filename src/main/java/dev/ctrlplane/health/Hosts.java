package dev.ctrlplane.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Host names and IP literals, without ever resolving a name (parsing a target must not touch DNS). */
final class Hosts {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Hosts() {}

  /** The address an IP literal names ({@code 10.0.0.1}, {@code ::1}, {@code [::1]}); null for a host name. */
  static InetAddress literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = IPV4.matcher(h).matches();
    if (v4 && java.util.Arrays.stream(h.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
      return null;
    }
    if (!v4 && !(h.contains(":") && h.matches("[0-9a-fA-F:.]+"))) {
      return null;
    }
    try {
      return InetAddress.getByName(h); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether the host as written means this machine's loopback: {@code localhost}, 127.0.0.1 or ::1. */
  static boolean isLocalhost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    InetAddress ip = literal(h);
    return ip != null && ip.isLoopbackAddress();
  }

  /** An address no tenant may reach unless an operator allowed it by IP: loopback, link-local, wildcard, multicast. */
  static boolean isSensitive(InetAddress address) {
    return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
        || address.isMulticastAddress();
  }
}
