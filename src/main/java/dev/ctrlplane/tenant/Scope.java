package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Principal;

/**
 * Tenant scoping (SPEC §3): a caller reads and writes only its own tenant's resources, and another tenant's resource
 * is simply not found. Operators may act on any tenant by naming it.
 */
public final class Scope {

  private Scope() {}

  /** The tenant a create acts for: the caller's own, or the one an operator names. */
  public static String tenantForWrite(Principal caller, String requested) {
    if (requested != null && !requested.equals(caller.tenantId())) {
      if (!caller.isAdmin()) {
        throw ApiException.forbidden("tenant_id: you may only act on your own tenant");
      }
      return requested;
    }
    if (caller.tenantId() == null) {
      throw ApiException.invalidField("tenant_id", "is required for an operator token without a tenant");
    }
    return caller.tenantId();
  }

  /** The tenant a list is limited to; null means every tenant (operators only, when they name none). */
  public static String tenantForList(Principal caller, String requested) {
    if (caller.isAdmin()) {
      return requested;
    }
    if (requested != null && !requested.equals(caller.tenantId())) {
      throw ApiException.forbidden("tenant_id: you may only list your own tenant");
    }
    return caller.tenantId();
  }

  public static boolean canSee(Principal caller, String tenantId) {
    return caller.isAdmin() || (tenantId != null && tenantId.equals(caller.tenantId()));
  }
}
