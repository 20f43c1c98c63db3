package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import dev.ctrlplane.bus.Failures;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error response: {@code {"message", "code", "request_id"}} with the code's status. Failures that are
 * bugs get a generic message; their detail goes to the log with the request id, never to the client.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** The router's failure handler: a thrown or failed exception, or a bare status from Vert.x Web. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiException error = failure != null ? Failures.toApi(failure) : fromStatus(ctx.statusCode());
    if (error.code() == ErrorCode.INTERNAL && !(failure instanceof io.vertx.core.eventbus.ReplyException)) {
      // a bug on this side; bugs behind the bus were logged where they happened
      LOG.error("request {} {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), failure);
    }
    send(ctx, error);
  }

  public static void send(RoutingContext ctx, ApiException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    if (error.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(new JsonObject()
        .put("message", error.getMessage())
        .put("code", error.code().code())
        .put("request_id", RequestIds.of(ctx))
        .encode());
  }

  private static ApiException fromStatus(int status) {
    return switch (status) {
      case 400 -> ApiException.invalid("bad request");
      case 401 -> new ApiException(ErrorCode.UNAUTHORIZED, "missing or invalid bearer token");
      case 403 -> ApiException.forbidden("forbidden");
      case 404 -> new ApiException(ErrorCode.NOT_FOUND, "no such route");
      case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this route");
      case 413 -> new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
      case 415 -> new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json");
      default -> status >= 400 && status < 500 ? ApiException.invalid("bad request") : Failures.internal();
    };
  }
}
