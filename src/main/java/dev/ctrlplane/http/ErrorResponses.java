package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import dev.ctrlplane.bus.Failures;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error response: {@code {"message", "code", "request_id"}} with the code's status. Failures that are
 * bugs get a generic message; their detail goes to the log with the request id, never to the client. What Vert.x
 * Web refuses on its own (a status in 400..499, or an {@link HttpException}), and a request whose stream failed
 * while its body was read, are the client's doing: answered as such and logged at DEBUG, never at ERROR.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** The router's failure handler: a thrown or failed exception, or a bare status from Vert.x Web. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && ctx.response().closed()) {
      // the client went away (mid-body, say): nobody to answer, and not a fault of this node
      LOG.debug("request {} {} {} ended by the client: {}", RequestIds.ensure(ctx), ctx.request().method(),
          ctx.request().path(), failure.toString());
      return;
    }
    ApiException error = errorOf(failure, ctx.statusCode());
    if (error.code() == ErrorCode.INTERNAL && !(failure instanceof ReplyException)) {
      // a bug on this side; bugs behind the bus were logged where they happened
      LOG.error("request {} {} {} failed", RequestIds.ensure(ctx), ctx.request().method(), ctx.request().path(),
          failure);
    } else if (failure != null && !(failure instanceof ApiException) && !(failure instanceof ReplyException)) {
      LOG.debug("request {} refused by the HTTP layer: {}", RequestIds.ensure(ctx), failure.toString());
    }
    send(ctx, error);
  }

  public static void send(RoutingContext ctx, ApiException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    write(response, error, RequestIds.ensure(ctx));
  }

  /** Writes the error as the whole response; completes once it is sent. */
  static Future<Void> write(HttpServerResponse response, ApiException error, String requestId) {
    response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    if (error.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    return response.end(new JsonObject()
        .put("message", error.getMessage())
        .put("code", error.code().code())
        .put("request_id", requestId)
        .encode());
  }

  /**
   * The error for a failure: ours as it is; one Vert.x Web raised for a client error by its status (the body
   * handler's 413, the decoder's 400 for a broken chunk, a matcher's 400); anything else by {@link Failures}.
   */
  static ApiException errorOf(Throwable failure, int status) {
    if (failure == null) {
      return fromStatus(status, null);
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode(), null);
    }
    if (status >= 200 && status < 400) {
      // only the body handler fails with a success status: the request's own stream failed while its body was
      // read (a chunk the HTTP decoder could not parse, the client hanging up), before any route ran
      return ApiException.invalid("malformed request: the request body could not be read");
    }
    ApiException error = Failures.toApi(failure);
    if (error.code() == ErrorCode.INTERNAL && status >= 400 && status < 500) {
      return fromStatus(status, failure instanceof VertxException vertx ? vertx.getMessage() : null);
    }
    return error;
  }

  private static ApiException fromStatus(int status, String detail) {
    return switch (status) {
      case 400 -> ApiException.invalid(detail == null ? "malformed request" : "malformed request: " + detail);
      case 401 -> new ApiException(ErrorCode.UNAUTHORIZED, "missing or invalid bearer token");
      case 403 -> ApiException.forbidden("forbidden");
      case 404 -> new ApiException(ErrorCode.NOT_FOUND, "no such route");
      case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this route");
      case 413 -> new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
      case 415 -> new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json");
      case 417 -> ApiException.invalidField("Expect", "only 100-continue is supported");
      default -> status >= 400 && status < 500 ? ApiException.invalid("malformed request") : Failures.internal();
    };
  }
}
