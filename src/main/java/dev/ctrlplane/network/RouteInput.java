package dev.ctrlplane.network;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fields of a route create or patch, checked: every failure is a 400 naming the field. What depends on the
 * instance (its ports, its tenant's hosts) is checked by {@link #resolve}.
 */
record RouteInput(Optional<String> path, Optional<Integer> port, Optional<String> protocol, Optional<Integer> weight,
    Optional<Boolean> stripPrefix, Optional<Optional<String>> hostname) {

  static final int MAX_PATH = 1024;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  static RouteInput from(JsonObject body, boolean create) {
    Optional<String> path = Fields.optionalString(body, "path", "path", 1, MAX_PATH);
    if (create && path.isEmpty()) {
      throw ApiException.invalidField("path", "is required");
    }
    path.ifPresent(RouteInput::checkPath);
    path = path.map(RouteInput::normalisedPath);
    Optional<String> protocol = Fields.optionalString(body, "protocol", "protocol", 1, 16);
    protocol.ifPresent(p -> {
      if (!p.equals("http")) {
        throw ApiException.invalidField("protocol", "must be http (the edge routes HTTP/1.1, WebSocket upgrades "
            + "included; tcp and udp ports are not routed)");
      }
    });
    Optional<Optional<String>> hostname = Optional.empty();
    if (body.containsKey("hostname")) {
      hostname = Optional.of(Fields.optionalString(body, "hostname", "hostname", 1, 253).map(RouteInput::checkHost));
    }
    return new RouteInput(path, Fields.optionalInt(body, "port", "port", 1, 65535), protocol,
        Fields.optionalInt(body, "weight", "weight", 0, 100), Fields.optionalBoolean(body, "strip_prefix",
        "strip_prefix"), hostname);
  }

  private static void checkPath(String path) {
    if (!path.startsWith("/")) {
      throw ApiException.invalidField("path", "must start with /");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c > '~' || c == '?' || c == '#') {
        throw ApiException.invalidField("path", "must be printable ASCII without spaces, ? or # "
            + "(percent-encode other characters)");
      }
    }
    if (path.contains("//") || path.contains("/../") || path.endsWith("/..") || path.contains("/./")
        || path.endsWith("/.")) {
      throw ApiException.invalidField("path", "must not contain empty, . or .. segments");
    }
  }

  /** A DNS name, lower-cased; a trailing dot is dropped. */
  static String checkHost(String raw) {
    String host = raw.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String[] labels = host.split("\\.", -1);
    if (labels.length < 2) {
      throw ApiException.invalidField("hostname", "must be a DNS name with at least two labels");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw ApiException.invalidField("hostname", "must be a DNS name: labels of 1-63 letters, digits and "
            + "inner '-'");
      }
    }
    return host;
  }

  /** A prefix ends where its segment ends, so a trailing '/' says nothing: "/api/" is stored as "/api" ("/" stays). */
  static String normalisedPath(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The port a route without one gets: the instance's first http port, else its first. */
  static Optional<Integer> defaultPort(List<dev.ctrlplane.provider.PortMapping> ports) {
    return ports.stream().filter(p -> "http".equals(p.protocol())).findFirst()
        .or(() -> ports.stream().findFirst())
        .map(dev.ctrlplane.provider.PortMapping::containerPort);
  }
}
