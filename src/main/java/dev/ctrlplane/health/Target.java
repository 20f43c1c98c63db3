package dev.ctrlplane.health;

import dev.ctrlplane.bus.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What a check's {@code target} means (SPEC §6). A path, {@code :port}, {@code localhost:port} or a URL of
 * {@code localhost} whose port is one of the instance's {@code container_port}s names each replica's own endpoint
 * ({@link Kind#REPLICA}); an instance that declares no ports has one endpoint per replica, which any such port names.
 * Any other host is refused unless the operator allows it ({@code health.allowed_targets}): {@link Kind#FIXED}.
 * A command is {@link Kind#COMMAND}.
 *
 * @param path the HTTP path and query ({@code /healthz}), or the gRPC service name ("" = the server as a whole)
 */
public record Target(Kind kind, boolean https, String host, int port, String path, String command) {

  public enum Kind { REPLICA, FIXED, COMMAND }

  private static final String FIELD = "target";

  /** Parses and checks a target for a check of {@code type} on an instance with {@code containerPorts}. */
  public static Target parse(CheckType type, String text, List<Integer> containerPorts, AllowedTargets allowed) {
    return switch (type) {
      case HTTP -> http(text, containerPorts, allowed);
      case TCP, GRPC -> hostPort(type, text, containerPorts, allowed);
      case COMMAND -> new Target(Kind.COMMAND, false, null, 0, null, text);
    };
  }

  private static Target http(String text, List<Integer> ports, AllowedTargets allowed) {
    if (text.startsWith("/")) {
      return new Target(Kind.REPLICA, false, null, 0, checkedPath(text), null);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw refused("must be a path like /healthz or an http(s) URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw refused("must be a path like /healthz or an http(s) URL with a host");
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return place(uri.getHost(), port, https, checkedPath(path), ports, allowed);
  }

  private static Target hostPort(CheckType type, String text, List<Integer> ports, AllowedTargets allowed) {
    int colon = text.lastIndexOf(':');
    if (colon < 0 || colon == text.length() - 1) {
      throw refused("must be :port or host:port for a " + type.wire() + " check");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw refused("must be :port or host:port for a " + type.wire() + " check");
    }
    if (port < 1 || port > 65535) {
      throw refused("has a port outside 1..65535");
    }
    String host = text.substring(0, colon);
    if (host.isEmpty()) {
      return replicaPort(port, false, "", ports);
    }
    return place(host, port, false, "", ports, allowed);
  }

  /** localhost with one of the instance's ports is each replica; another host only when the operator allows it. */
  private static Target place(String host, int port, boolean https, String path, List<Integer> ports,
      AllowedTargets allowed) {
    if (Hosts.isLocalhost(host) && (ports.isEmpty() || ports.contains(port))) {
      return replicaPort(port, https, path, ports);
    }
    if (allowed.allows(host, port)) {
      return new Target(Kind.FIXED, https, host.toLowerCase(Locale.ROOT), port, path, null);
    }
    throw refused("may only reach the instance's own replicas: a path, :port, or localhost with one of its"
        + " container_ports " + ports + "; " + host + ":" + port + " is not allowed (health.allowed_targets)");
  }

  private static Target replicaPort(int port, boolean https, String path, List<Integer> ports) {
    if (!ports.isEmpty() && !ports.contains(port)) {
      throw refused("port " + port + " is not one of the instance's container_ports " + ports);
    }
    return new Target(Kind.REPLICA, https, null, port, path, null);
  }

  private static String checkedPath(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw refused("must not contain spaces or control characters");
      }
    }
    return path;
  }

  private static ApiException refused(String problem) {
    return ApiException.invalidField(FIELD, problem);
  }
}
