package dev.ctrlplane;

import dev.ctrlplane.audit.RefusalRecorder;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What every feature of a node shares: its Vert.x, configuration and store pool, the unit-of-work runner (events and
 * audit entries), the tenancy rules, the providers and the recorder of refused calls.
 */
public record NodeServices(
    Vertx vertx,
    CtrlplaneConfig config,
    Pool pool,
    Transactions transactions,
    Tenancy tenancy,
    Providers providers,
    RefusalRecorder refusals) {

  public String nodeName() {
    return config.nodeName();
  }
}
