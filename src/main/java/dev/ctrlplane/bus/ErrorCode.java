package dev.ctrlplane.bus;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one error currency of ctrlplane (SPEC §2): every failure, on the bus and over HTTP, is one of these codes with
 * its HTTP status. Several codes share a status (409, 429, 503), so the bus carries the code by name as well.
 */
public enum ErrorCode {
  INVALID_ARGUMENT(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  ALREADY_EXISTS(409),
  INVALID_STATE(409),
  CONFLICT(409),
  PRECONDITION_FAILED(412),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  UNPROCESSABLE(422),
  QUOTA_EXCEEDED(429),
  RATE_LIMITED(429),
  INTERNAL(500),
  PROVIDER_UNAVAILABLE(503),
  UNAVAILABLE(503),
  TIMEOUT(504);

  private static final Map<String, ErrorCode> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toMap(ErrorCode::code, Function.identity()));

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The stable snake_case name clients switch on. */
  public String code() {
    return name().toLowerCase();
  }

  /** The code with this name, or the first code with this status when the name is unknown. */
  public static ErrorCode of(String code, int status) {
    ErrorCode byName = code == null ? null : BY_CODE.get(code);
    if (byName != null) {
      return byName;
    }
    return Arrays.stream(values()).filter(c -> c.status == status).findFirst().orElse(INTERNAL);
  }
}
