package dev.ctrlplane.secrets;

import dev.ctrlplane.bus.Failures;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.UnsealException;
import dev.ctrlplane.provider.SecretMaterial;
import dev.ctrlplane.provider.SecretSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers' {@link SecretSource}: reads an instance's sealed secrets and decrypts them (on a worker thread: an
 * instance may hold many values of up to 64 KiB) for one replica start. Each value opens only with the associated
 * data of the instance being started, so a ciphertext moved to it from another instance, tenant, key or version
 * does not. One that does not open fails the whole start, naming the secret: a replica started without a secret it
 * expects is worse than one that does not start.
 */
public final class SecretMaterials implements SecretSource {

  private static final Logger LOG = LoggerFactory.getLogger(SecretMaterials.class);

  private final Vertx vertx;
  private final SecretStore store;
  private final KeyRing keys;

  public SecretMaterials(Vertx vertx, SecretStore store, KeyRing keys) {
    this.vertx = vertx;
    this.store = store;
    this.keys = keys;
  }

  @Override
  public Future<SecretMaterial> materialFor(String instanceId, String tenantId) {
    return store.sealedOf(instanceId)
        .recover(failure -> Future.failedFuture(new UnreadableSecretException(
            "cannot read the instance's secrets: " + Failures.toApi(failure).getMessage())))
        .compose(sealed -> sealed.isEmpty()
            ? Future.succeededFuture(SecretMaterial.NONE)
            : vertx.executeBlocking(() -> open(sealed, instanceId, tenantId), false));
  }

  private SecretMaterial open(List<StoredSecret> secrets, String instanceId, String tenantId) {
    Map<String, String> env = new HashMap<>();
    Map<String, byte[]> files = new HashMap<>();
    for (StoredSecret secret : secrets) {
      SecretMetadata meta = secret.meta();
      byte[] value;
      try {
        value = keys.open(secret.sealed(), StoredSecret.associatedData(tenantId, instanceId, meta.type(), meta.key(),
            meta.version()));
      } catch (UnsealException unreadable) {
        files.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        LOG.warn("{} cannot be decrypted: {}", secret.describe(), unreadable.getMessage());
        throw new UnreadableSecretException(meta.type().wire() + " secret " + meta.key() + " (version "
            + meta.version() + ") cannot be decrypted: " + unreadable.getMessage());
      }
      if (meta.type() == SecretType.ENV) {
        env.put(meta.key(), new String(value, StandardCharsets.UTF_8));
        Arrays.fill(value, (byte) 0);
      } else {
        files.put(meta.key(), value);
      }
    }
    return new SecretMaterial(env, files);
  }
}
