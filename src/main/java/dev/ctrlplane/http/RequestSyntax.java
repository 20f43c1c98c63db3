package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edge refuses before any route runs, so that no route, and no part of Vert.x Web, ever meets it: a request
 * target whose percent-encoding is malformed or not UTF-8 (400), a body that is not JSON by its headers (415), and
 * requests the HTTP decoder could not read at all. Each is one JSON error like any other, logged at DEBUG: a bad
 * request is the client's, not a fault of the node.
 */
public final class RequestSyntax {

  private static final Logger LOG = LoggerFactory.getLogger(RequestSyntax.class);
  private static final Set<String> UTF_8 = Set.of("utf-8", "utf8");

  private RequestSyntax() {}

  /** The first handler after the request id: the path and the query must be well-formed percent-encoded UTF-8. */
  public static void checkTarget(RoutingContext ctx) {
    Optional<ApiException> problem = targetProblem(ctx.request().path(), ctx.request().query());
    if (problem.isPresent()) {
      refuse(ctx, problem.get());
    } else {
      ctx.next();
    }
  }

  /**
   * Before the body is read: a request with content must send it as JSON (a {@code charset} other than UTF-8 is
   * 415, so is a {@code Content-Encoding}); a missing {@code Content-Type} is read as JSON. Checked before the body
   * handler, which would otherwise decode form and multipart bodies on its own.
   */
  public static void checkContent(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!declaresContent(request)) {
      ctx.next();
      return;
    }
    try {
      requireJson(request.getHeader("Content-Type"));
      requireIdentity(request.getHeader("Content-Encoding"));
      ctx.next();
    } catch (ApiException refused) {
      refuse(ctx, refused);
    }
  }

  /**
   * The HTTP server's handler for requests its decoder could not read (a header too large, a malformed
   * Content-Length, a control character in a header...): a JSON 400 with a fresh request id, then the connection
   * is closed, since what follows on it cannot be trusted to start a request.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String id = RequestIds.fresh();
    LOG.debug("request {} could not be decoded: {}", id, cause == null ? "unknown" : cause.getMessage());
    ApiException error = ApiException.invalid(describe(cause));
    request.response().putHeader("Connection", "close").putHeader(RequestIds.HEADER, id);
    ErrorResponses.write(request.response(), error, id).onComplete(sent -> request.connection().close());
  }

  static Optional<ApiException> targetProblem(String path, String query) {
    Optional<String> inPath = path == null ? Optional.empty() : PercentEncoding.problem(path);
    if (inPath.isPresent()) {
      return Optional.of(ApiException.invalidField("path", inPath.get()));
    }
    if (query == null) {
      return Optional.empty();
    }
    for (String parameter : query.split("[&;]")) {
      Optional<String> problem = PercentEncoding.problem(parameter);
      if (problem.isPresent()) {
        return Optional.of(ApiException.invalidField(parameterName(parameter), problem.get()));
      }
    }
    return Optional.empty();
  }

  /** The parameter's decoded name, to name it in the error; "query" when the name itself is malformed. */
  private static String parameterName(String parameter) {
    int eq = parameter.indexOf('=');
    String name = eq < 0 ? parameter : parameter.substring(0, eq);
    return name.isEmpty() || PercentEncoding.problem(name).isPresent()
        ? "query"
        : URLDecoder.decode(name, StandardCharsets.UTF_8);
  }

  private static boolean declaresContent(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return request.getHeader("Transfer-Encoding") != null || length != null && !length.trim().equals("0");
  }

  private static void requireJson(String header) {
    if (header == null) {
      return;
    }
    ContentType type = ContentType.parse(header);
    if (!type.isJson()) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json, not "
          + type.type() + "/" + type.subtype());
    }
    Optional<String> charset = type.charset();
    if (charset.isPresent() && !UTF_8.contains(charset.get())) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type: charset " + charset.get() + " is not supported; JSON is UTF-8");
    }
  }

  private static void requireIdentity(String header) {
    if (header == null) {
      return;
    }
    for (String coding : header.split(",")) {
      String name = coding.trim().toLowerCase(Locale.ROOT);
      if (!name.isEmpty() && !name.equals("identity")) {
        throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding: " + name + " is not supported; send the body uncompressed");
      }
    }
  }

  private static void refuse(RoutingContext ctx, ApiException error) {
    LOG.debug("request {} refused at the edge: {}", RequestIds.of(ctx), error.getMessage());
    ErrorResponses.send(ctx, error);
  }

  private static String describe(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return "the request line is too long";
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return "the request headers are too large";
    }
    return "malformed HTTP request";
  }
}
