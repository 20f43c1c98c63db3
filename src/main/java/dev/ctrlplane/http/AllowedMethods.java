package dev.ctrlplane.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each route path answers, read from the router once it is built, for the {@code Allow} header that a
 * 405 must carry (RFC 9110 §15.5.6), so a client can tell what it may do instead.
 */
final class AllowedMethods {

  private record PathMethods(Pattern path, Set<HttpMethod> methods) {}

  private final List<PathMethods> paths = new ArrayList<>();

  /** Reads the routes with a path and methods; call after every route is mounted. */
  static AllowedMethods of(Router router) {
    AllowedMethods allowed = new AllowedMethods();
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && route.methods() != null && !route.getPath().endsWith("*")) {
        allowed.paths.add(new PathMethods(template(route.getPath()), route.methods()));
      }
    }
    return allowed;
  }

  /** The {@code Allow} value for the request's path, e.g. "GET, POST"; empty when no route has that path. */
  String forPath(String path) {
    Set<String> methods = new TreeSet<>();
    for (PathMethods candidate : paths) {
      if (candidate.path().matcher(path).matches()) {
        candidate.methods().forEach(m -> methods.add(m.name()));
      }
    }
    return String.join(", ", methods);
  }

  /** The router's 405 handler: adds the header, then answers like every other error. */
  void handle405(RoutingContext ctx) {
    String allow = forPath(ctx.normalizedPath());
    if (!allow.isEmpty()) {
      ctx.response().putHeader("Allow", allow);
    }
    ErrorResponses.handle(ctx);
  }

  /** "/v1/instances/:id/start" → a pattern where each ":param" segment matches one path segment. */
  private static Pattern template(String path) {
    StringBuilder regex = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (!regex.isEmpty() || !segment.isEmpty()) {
        regex.append('/');
      }
      regex.append(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
    }
    return Pattern.compile(regex.toString());
  }
}
