package dev.ctrlplane.bus;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where any throwable becomes an {@link ApiException}. Anything not recognised is a bug: it becomes
 * {@code internal} with a generic message, and the caller logs the detail with the request id.
 */
public final class Failures {

  private Failures() {}

  public static ApiException toApi(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    if (failure instanceof ProviderException provider) {
      return new ApiException(
          provider.isBadRequest() ? ErrorCode.INVALID_ARGUMENT : ErrorCode.PROVIDER_UNAVAILABLE, provider.getMessage());
    }
    if (failure instanceof PgException pg) {
      return fromSqlState(pg.getSqlState());
    }
    if (failure instanceof ConnectException || failure instanceof ClosedConnectionException) {
      return new ApiException(ErrorCode.UNAVAILABLE, "the store is unreachable");
    }
    if (failure instanceof TimeoutException) {
      return new ApiException(ErrorCode.TIMEOUT, "the operation did not finish in time");
    }
    return internal();
  }

  public static ApiException internal() {
    return new ApiException(ErrorCode.INTERNAL, "internal error");
  }

  /** True when the failure is a bug (or an unknown failure) whose details belong in the log. */
  public static boolean isBug(Throwable failure) {
    return toApi(failure).code() == ErrorCode.INTERNAL;
  }

  private static ApiException fromReply(ReplyException reply) {
    return switch (reply.failureType()) {
      case TIMEOUT -> new ApiException(ErrorCode.TIMEOUT, "the request did not get an answer in time");
      case NO_HANDLERS -> new ApiException(ErrorCode.UNAVAILABLE, "no node serves this request right now");
      default -> reply.failureCode() >= 400 && reply.failureCode() <= 599
          ? ApiException.fromWire(reply.failureCode(), reply.getMessage())
          : internal();
    };
  }

  private static ApiException fromSqlState(String state) {
    if (state == null) {
      return internal();
    }
    return switch (state) {
      case "23505" -> ApiException.alreadyExists("a resource with that unique name already exists");
      case "40001", "40P01" -> ApiException.conflict("a concurrent change won the race; retry");
      case "57P01", "57P02", "57P03", "08000", "08003", "08006" ->
          new ApiException(ErrorCode.UNAVAILABLE, "the store is unreachable");
      default -> internal();
    };
  }
}
