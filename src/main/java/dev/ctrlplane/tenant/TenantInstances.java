package dev.ctrlplane.tenant;

import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;

/**
 * What tenant suspension does to the tenant's instances, inside the suspension's transaction. Each returns the work
 * to start once the transaction committed (the provider calls), never before.
 */
public interface TenantInstances {

  /** Suspends the tenant's running (or starting) instances, marked as suspended with the tenant. */
  Future<Runnable> suspendAll(Tx tx, String tenantId, String reason);

  /** Resumes the instances that were suspended with the tenant; ones suspended on their own stay suspended. */
  Future<Runnable> resumeAll(Tx tx, String tenantId);
}
