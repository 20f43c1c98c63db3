package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.store.Cursor;
import dev.ctrlplane.store.Filter;
import dev.ctrlplane.store.Page;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Paging;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of webhooks, their deliveries and attempts. */
public final class WebhookStore {

  private static final String COLUMNS = "id, tenant_id, url, events, description, secret_key_id, secret_nonce, "
      + "secret_ciphertext, created_at, updated_at";
  private static final String INSERT = "INSERT INTO webhooks (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, "
      + "$8, $9, $9)";
  private static final String GET = "SELECT " + COLUMNS + " FROM webhooks WHERE id = $1";
  private static final String DELETE = "DELETE FROM webhooks WHERE id = $1 RETURNING " + COLUMNS;
  private static final String OF_TENANTS = "SELECT " + COLUMNS + " FROM webhooks WHERE tenant_id = ANY ($1)";
  private static final String ATTEMPTS = "SELECT delivery_id, attempt, node, started_at, duration_ms, status, error "
      + "FROM webhook_attempts WHERE delivery_id = ANY ($1) ORDER BY delivery_id, attempt";
  private static final String DELIVERY_AND_HOOK = "SELECT d.id, d.webhook_id, d.tenant_id, d.event_id, d.event_type, "
      + "d.body, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.updated_at, "
      + "w.url, w.events, w.description, w.secret_key_id, w.secret_nonce, w.secret_ciphertext, "
      + "w.created_at AS hook_created_at, w.updated_at AS hook_updated_at "
      + "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1";
  private static final String RECORD_ATTEMPT = "INSERT INTO webhook_attempts (delivery_id, attempt, node, "
      + "started_at, duration_ms, status, error) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
  private static final String UPDATE_DELIVERY = "UPDATE webhook_deliveries SET state = $2, attempts = $3, "
      + "next_attempt_at = $4, last_status = $5, last_error = $6, updated_at = now() WHERE id = $1";

  private final Pool pool;

  public WebhookStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(SqlClient sql, Webhook hook) {
    return sql.preparedQuery(INSERT).execute(Tuple.from(new Object[] {hook.id(), hook.tenantId(), hook.url(),
        hook.events().toArray(String[]::new), hook.description(), hook.secret().keyId(),
        Buffer.buffer(hook.secret().nonce()), Buffer.buffer(hook.secret().ciphertext()),
        Times.toOffset(hook.createdAt())})).mapEmpty();
  }

  Future<Optional<Webhook>> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Webhook.fromRow(rows.iterator().next())));
  }

  Future<Optional<Webhook>> delete(SqlClient sql, String id) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Webhook.fromRow(rows.iterator().next())));
  }

  Future<Page<Webhook>> list(String tenantId, PageRequest page) {
    Filter filter = new Filter().andIf(tenantId != null, "tenant_id = ?", tenantId);
    return Paging.page(pool, COLUMNS, "webhooks", filter, page, Webhook::fromRow,
        w -> new Cursor(w.createdAt(), w.id()));
  }

  /** The webhooks of these tenants, for the fan-out. */
  static Future<List<Webhook>> ofTenants(SqlClient sql, List<String> tenantIds) {
    return sql.preparedQuery(OF_TENANTS).execute(Tuple.of(tenantIds.toArray(String[]::new))).map(rows -> {
      List<Webhook> hooks = new ArrayList<>();
      rows.forEach(row -> hooks.add(Webhook.fromRow(row)));
      return hooks;
    });
  }

  Future<Page<Delivery>> deliveries(String webhookId, PageRequest page) {
    Filter filter = new Filter().and("webhook_id = ?", webhookId);
    return Paging.page(pool, Delivery.COLUMNS, "webhook_deliveries", filter, page, Delivery::fromRow,
        d -> new Cursor(d.createdAt(), d.id()));
  }

  /** Each delivery's attempts, oldest first, as the deliveries page shows them. */
  Future<Map<String, JsonArray>> attempts(List<String> deliveryIds) {
    return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(deliveryIds.toArray(String[]::new))).map(rows -> {
      Map<String, JsonArray> byDelivery = new HashMap<>();
      for (Row row : rows) {
        byDelivery.computeIfAbsent(row.getString("delivery_id"), d -> new JsonArray()).add(new JsonObject()
            .put("attempt", row.getInteger("attempt"))
            .put("node", row.getString("node"))
            .put("started_at", Times.format(row.getOffsetDateTime("started_at")))
            .put("duration_ms", row.getInteger("duration_ms"))
            .put("status", row.getInteger("status"))
            .put("error", row.getString("error")));
      }
      return byDelivery;
    });
  }

  /** A delivery with its webhook, in one read; empty when either is gone. */
  Future<Optional<java.util.Map.Entry<Delivery, Webhook>>> deliveryWithHook(String id) {
    return pool.preparedQuery(DELIVERY_AND_HOOK).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      Delivery delivery = Delivery.fromRow(row);
      Webhook hook = new Webhook(delivery.webhookId(), delivery.tenantId(), row.getString("url"),
          java.util.Arrays.asList(row.getArrayOfStrings("events")), row.getString("description"),
          new dev.ctrlplane.crypto.Sealed(row.getString("secret_key_id"), row.getBuffer("secret_nonce").getBytes(),
              row.getBuffer("secret_ciphertext").getBytes()),
          row.getOffsetDateTime("hook_created_at").toInstant(), row.getOffsetDateTime("hook_updated_at").toInstant());
      return Optional.of(java.util.Map.entry(delivery, hook));
    });
  }

  /** Records one attempt and the delivery's new state, in the caller's transaction. */
  static Future<Void> recordAttempt(SqlClient sql, String deliveryId, Attempt attempt, String state,
      java.time.Instant next) {
    return sql.preparedQuery(RECORD_ATTEMPT).execute(Tuple.from(new Object[] {deliveryId, attempt.number(),
            attempt.node(), Times.toOffset(attempt.startedAt()), (int) attempt.durationMillis(), attempt.status(),
            attempt.error()}))
        .compose(v -> sql.preparedQuery(UPDATE_DELIVERY).execute(Tuple.from(new Object[] {deliveryId, state,
            attempt.number(), next == null ? null : Times.toOffset(next), attempt.status(), attempt.error()})))
        .mapEmpty();
  }
}
