package dev.ctrlplane;

import dev.ctrlplane.audit.RefusalRecorder;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What every feature of a node shares: its Vert.x, configuration and store pool, the unit-of-work runner (events and
 * audit entries), the tenancy rules, the providers, the recorder of refused calls, and the master keys that seal
 * values at rest (secrets; later certificate keys and webhook signing secrets).
 */
public record NodeServices(
    Vertx vertx,
    CtrlplaneConfig config,
    Pool pool,
    Transactions transactions,
    Tenancy tenancy,
    Providers providers,
    RefusalRecorder refusals,
    KeyRing keys) {

  public String nodeName() {
    return config.nodeName();
  }
}
