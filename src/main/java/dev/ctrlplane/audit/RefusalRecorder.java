package dev.ctrlplane.audit;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.BusDispatcher;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.Audits;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.tenant.QuotaExceededException;
import dev.ctrlplane.tenant.TenantService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits refused mutating calls in a transaction of their own (the refused change rolled back): 403 as
 * {@code denied}, 409 and 429 as {@code failed}. A quota refusal is also announced as {@code quota.exceeded}.
 */
public final class RefusalRecorder implements BusDispatcher.RefusalListener {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalRecorder.class);

  private final Transactions transactions;

  public RefusalRecorder(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public Future<Void> refused(Call call, String resource, ApiException error) {
    String outcome = error.status() == 403 ? AuditEntry.DENIED : AuditEntry.FAILED;
    JsonObject details = new JsonObject().put("code", error.code().code()).put("message", error.getMessage());
    return transactions.run(call, tx -> tenantOf(tx.sql(), call, resource, error).map(tenantId -> {
      tx.audit(Audits.entry(call, tenantId, resource, Envelope.id(call), call.action(), outcome, details));
      if (error instanceof QuotaExceededException quota) {
        tx.emit(EventType.QUOTA_EXCEEDED, tenantId, null, tenantId, quota.details()
            .put("resource", resource).put("action", call.action()));
      }
      return (Void) null;
    })).recover(failure -> {
      LOG.warn("could not audit refused call {}: {}", call.requestId(), failure.getMessage());
      return Future.succeededFuture();
    });
  }

  /**
   * The chain the refusal belongs to: the caller's tenant, except that an operator acts on the tenant the call is
   * about (the tenant in the path, or the one named in the body), as the entry of a successful call would say.
   */
  private static Future<String> tenantOf(SqlClient sql, Call call, String resource, ApiException error) {
    if (error instanceof QuotaExceededException quota) {
      return Future.succeededFuture(quota.tenantId());
    }
    if (!call.principal().isAdmin()) {
      return Future.succeededFuture(call.principal().tenantId());
    }
    String id = Envelope.id(call);
    if (TenantService.RESOURCE.equals(resource) && id != null) {
      return Future.succeededFuture(id);
    }
    Object named = Envelope.body(call).getValue("tenant_id");
    String fallback = named instanceof String tenant ? tenant : call.principal().tenantId();
    return AuditQueries.ownerTenant(sql, resource, id).map(owner -> owner.orElse(fallback));
  }
}
