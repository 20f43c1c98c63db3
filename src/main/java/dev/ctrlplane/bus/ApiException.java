package dev.ctrlplane.bus;

import io.vertx.core.json.JsonObject;

/** A failure the caller should see, with its {@link ErrorCode}. Carries no stack trace: it is not a bug. */
public class ApiException extends RuntimeException {

  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return code.status();
  }

  /** The form sent as a bus failure message: the code survives the hop even where statuses collide. */
  public String toWire() {
    return new JsonObject().put("code", code.code()).put("message", getMessage()).encode();
  }

  public static ApiException fromWire(int status, String wire) {
    if (wire != null && wire.startsWith("{")) {
      try {
        JsonObject json = new JsonObject(wire);
        return new ApiException(ErrorCode.of(json.getString("code"), status), json.getString("message", ""));
      } catch (RuntimeException notJson) {
        // fall through: a plain message from a consumer outside ctrlplane
      }
    }
    return new ApiException(ErrorCode.of(null, status), wire == null ? "" : wire);
  }

  public static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static ApiException invalidField(String field, String problem) {
    return new ApiException(ErrorCode.INVALID_ARGUMENT, field + ": " + problem);
  }

  public static ApiException notFound(String kind, String id) {
    return new ApiException(ErrorCode.NOT_FOUND, kind + " " + id + ": resource not found");
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ErrorCode.FORBIDDEN, message);
  }

  public static ApiException invalidState(String message) {
    return new ApiException(ErrorCode.INVALID_STATE, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(ErrorCode.CONFLICT, message);
  }

  public static ApiException alreadyExists(String message) {
    return new ApiException(ErrorCode.ALREADY_EXISTS, message);
  }
}
