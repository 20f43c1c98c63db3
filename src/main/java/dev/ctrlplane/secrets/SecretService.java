package dev.ctrlplane.secrets;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import dev.ctrlplane.tenant.Usage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Secret commands and queries (SPEC §9). A set seals the value with the current master key before it reaches the
 * store, and writes the row, its {@code secret.set} event and its audit entry in one transaction; neither the event
 * nor the entry carries the value. Every write first locks the tenant row for growth, so a tenant's secret writes
 * take turns: parallel sets of new keys cannot pass the quota together, and a key's versions never race.
 */
public final class SecretService {

  static final String RESOURCE = "secret";
  private static final Usage ONE_SECRET = new Usage(0, 0, 0, 0, 1);

  /** The instance a call names, as far as secrets need it. */
  private record InstanceRef(String id, String tenantId) {}

  private final SecretStore store;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final KeyRing keys;

  public SecretService(SecretStore store, Transactions transactions, Tenancy tenancy, KeyRing keys) {
    this.store = store;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.keys = keys;
  }

  /** A new key is version 1; an existing key gets version + 1. Replies with the metadata. */
  public Future<JsonObject> set(Call call) {
    SecretInput input = SecretInput.from(Envelope.body(call));
    return visibleInstance(call).compose(instance -> transactions.run(call, tx ->
        tenancy.lockForGrowth(tx.sql(), instance.tenantId())
            .compose(locked -> store.lockInstance(tx.sql(), instance.id()))
            .compose(stillThere -> stillThere.isPresent()
                ? store.findForUpdate(tx.sql(), instance.id(), input.key())
                : Future.failedFuture(ApiException.notFound("instance", instance.id())))
            .compose(existing -> existing.isPresent()
                ? newVersion(tx, existing.get(), input)
                : created(tx, instance, input))
            .map(saved -> {
              tx.emit(EventType.SECRET_SET, saved.tenantId(), saved.instanceId(), saved.id(), saved.summary());
              tx.audit(saved.tenantId(), RESOURCE, saved.id(), "set", auditDetails(saved));
              return saved.toJson();
            })));
  }

  /** The instance's secrets' metadata, by key; {@code []} when it has none. */
  public Future<JsonArray> list(Call call) {
    return visibleInstance(call).compose(instance -> store.list(instance.id()))
        .map(all -> new JsonArray(all.stream().map(SecretMetadata::toJson).toList()));
  }

  /** Deletes the secret named by the path's {@code key}; 404 when the instance has none by that key. */
  public Future<Void> delete(Call call) {
    String key = Envelope.pathParam(call, "key");
    return visibleInstance(call).compose(instance -> {
      if (!SecretInput.isPossibleKey(key)) {
        return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(key)));
      }
      return transactions.run(call, tx -> tenancy.lockForGrowth(tx.sql(), instance.tenantId())
          .compose(locked -> store.delete(tx.sql(), instance.id(), key))
          .map(deleted -> {
            SecretMetadata gone = deleted.orElseThrow(() -> ApiException.notFound(RESOURCE, key));
            tx.emit(EventType.SECRET_DELETED, gone.tenantId(), gone.instanceId(), gone.id(), gone.summary());
            tx.audit(gone.tenantId(), RESOURCE, gone.id(), "delete", auditDetails(gone));
            return null;
          }));
    });
  }

  private Future<SecretMetadata> created(Tx tx, InstanceRef instance, SecretInput input) {
    Future<Void> room = noClash(tx, instance, input)
        .compose(free -> tenancy.requireRoomFor(tx.sql(), instance.tenantId(), ONE_SECRET));
    return room.compose(ok -> {
      Instant now = Times.now();
      SecretMetadata meta = new SecretMetadata(TypeId.generate("sec"), instance.tenantId(), instance.id(),
          input.key(), input.type(), 1, now, now);
      return store.insert(tx.sql(), new StoredSecret(meta, seal(meta, input.value()))).map(meta);
    });
  }

  /** A file key that is a directory of another file key (or inside one) could not be written next to it. */
  private Future<Void> noClash(Tx tx, InstanceRef instance, SecretInput input) {
    if (input.type() != SecretType.FILE) {
      return Future.succeededFuture();
    }
    return store.fileClash(tx.sql(), instance.id(), input.key()).map(clash -> {
      clash.ifPresent(other -> {
        throw ApiException.alreadyExists("file secret " + input.key() + " cannot coexist with file secret " + other
            + ": one would be a directory of the other");
      });
      return null;
    });
  }

  /** The key's next version; its type is fixed at creation (like a Kubernetes Secret's). */
  private Future<SecretMetadata> newVersion(Tx tx, StoredSecret existing, SecretInput input) {
    SecretMetadata was = existing.meta();
    if (was.type() != input.type()) {
      throw ApiException.alreadyExists("secret " + was.key() + " exists as a " + was.type().wire()
          + " secret; delete it first to set it as a " + input.type().wire() + " secret");
    }
    SecretMetadata next = new SecretMetadata(was.id(), was.tenantId(), was.instanceId(), was.key(), was.type(),
        was.version() + 1, was.createdAt(), Times.now());
    return store.update(tx.sql(), new StoredSecret(next, seal(next, input.value())), was.version())
        .map(written -> {
          if (!written) {
            throw ApiException.conflict("secret " + was.key() + " was changed concurrently; retry");
          }
          return next;
        });
  }

  /** Sealed on the caller's thread: one value is at most 64 KiB, a few tens of microseconds of AES-GCM. */
  private Sealed seal(SecretMetadata meta, String value) {
    byte[] plaintext = value.getBytes(StandardCharsets.UTF_8);
    try {
      return keys.seal(plaintext, StoredSecret.associatedData(meta.tenantId(), meta.instanceId(), meta.type(),
          meta.key(), meta.version()));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private static JsonObject auditDetails(SecretMetadata meta) {
    return meta.summary().put("instance_id", meta.instanceId());
  }

  /** The instance named by the path, if the caller may see it; 404 otherwise (also for malformed ids). */
  private Future<InstanceRef> visibleInstance(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound("instance", String.valueOf(id)));
    }
    return store.instanceTenant(id).map(tenant -> tenant
        .filter(t -> Scope.canSee(call.principal(), t))
        .map(t -> new InstanceRef(id, t))
        .orElseThrow(() -> ApiException.notFound("instance", id)));
  }
}
