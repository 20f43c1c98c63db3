package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Webhook commands and queries (SPEC §11). A create checks the target (no SSRF), makes a signing secret, seals it
 * with the secrets key before it reaches the store, and answers with the secret this once; the webhook row, its
 * {@code webhook.created} event and its audit entry commit together. Another tenant's webhook is a 404.
 */
public final class WebhookService {

  static final String RESOURCE = "webhook";

  private final WebhookStore store;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final KeyRing keys;
  private final WebhookTargets targets;

  public WebhookService(WebhookStore store, Transactions transactions, Tenancy tenancy, KeyRing keys,
      WebhookTargets targets) {
    this.store = store;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.keys = keys;
    this.targets = targets;
  }

  public Future<JsonObject> create(Call call) {
    WebhookInput input = WebhookInput.from(Envelope.body(call));
    String tenantId = Scope.tenantForWrite(call.principal(), input.tenantId());
    return targets.check(input.url()).compose(allowed -> transactions.run(call, tx ->
        tenancy.requireActive(tx.sql(), tenantId).compose(active -> {
          String secret = Signature.newSecret();
          String id = TypeId.generate("hook");
          Instant now = Times.now();
          Webhook hook = new Webhook(id, tenantId, input.url().toString(), input.events(), input.description(),
              keys.seal(secret.getBytes(StandardCharsets.UTF_8), Webhook.associatedData(tenantId, id)), now, now);
          return store.insert(tx.sql(), hook).map(saved -> {
            tx.emit(EventType.WEBHOOK_CREATED, tenantId, null, id, hook.summary());
            tx.audit(tenantId, RESOURCE, id, "create", hook.summary());
            return hook.toJson().put("secret", secret);
          });
        })));
  }

  public Future<JsonObject> get(Call call) {
    return visible(call).map(Webhook::toJson);
  }

  public Future<JsonObject> list(Call call) {
    JsonObject query = Envelope.query(call);
    String tenantId = Scope.tenantForList(call.principal(), query.getString("tenant_id"));
    PageRequest page = PageRequest.from(query);
    return store.list(tenantId, page).map(found -> found.toJson(Webhook::toJson));
  }

  public Future<Void> delete(Call call) {
    return visible(call).compose(hook -> transactions.run(call, tx -> tenancy.requireActive(tx.sql(), hook.tenantId())
        .compose(active -> store.delete(tx.sql(), hook.id()))
        .map(deleted -> {
          Webhook gone = deleted.orElseThrow(() -> ApiException.notFound(RESOURCE, hook.id()));
          tx.emit(EventType.WEBHOOK_DELETED, gone.tenantId(), null, gone.id(), gone.summary());
          tx.audit(gone.tenantId(), RESOURCE, gone.id(), "delete", gone.summary());
          return null;
        })));
  }

  /** A page of the webhook's deliveries, newest first, each with every attempt made. */
  public Future<JsonObject> deliveries(Call call) {
    PageRequest page = PageRequest.from(Envelope.query(call));
    return visible(call).compose(hook -> store.deliveries(hook.id(), page)).compose(found -> {
      List<String> ids = found.items().stream().map(Delivery::id).toList();
      return store.attempts(ids).map(attempts -> found.toJson(d -> d.toJson(attempts.getOrDefault(d.id(),
          new JsonArray()))));
    });
  }

  private Future<Webhook> visible(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("hook", id)) {
      return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(id)));
    }
    return store.get(id).map(found -> found.filter(hook -> Scope.canSee(call.principal(), hook.tenantId()))
        .orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }
}
