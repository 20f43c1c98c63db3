package dev.ctrlplane.bus;

import java.util.Set;

/**
 * Who is calling: the token's subject, tenant and roles. {@code system:admin} is the operator role, which may act on
 * any tenant.
 */
public record Principal(String subject, String tenantId, Set<String> roles) {

  public static final String ADMIN_ROLE = "system:admin";

  public Principal {
    roles = Set.copyOf(roles);
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN_ROLE);
  }

  /** The principal the control plane itself acts as (reconcile, supervision). */
  public static Principal system() {
    return new Principal("system:ctrlplane", null, Set.of(ADMIN_ROLE));
  }
}
