package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import io.vertx.core.json.JsonObject;

/** A 429 that knows which tenant and limit, so the refusal can be audited and announced as quota.exceeded. */
public final class QuotaExceededException extends ApiException {

  private final String tenantId;
  private final JsonObject details;

  public QuotaExceededException(String tenantId, String limit, long max, long wouldUse) {
    super(ErrorCode.QUOTA_EXCEEDED,
        "quota exceeded: " + limit + " is " + max + " for tenant " + tenantId + ", this would make it " + wouldUse);
    this.tenantId = tenantId;
    this.details = new JsonObject().put("limit", limit).put("max", max).put("would_use", wouldUse);
  }

  public String tenantId() {
    return tenantId;
  }

  public JsonObject details() {
    return details.copy();
  }
}
