package dev.ctrlplane.provider;

import io.vertx.core.Future;

/**
 * Where a provider gets an instance's decrypted secrets, asked on the node that starts a replica, just before each
 * start (first start, restart, scale-up and every crash restart), so that plaintext is never kept for the life of an
 * instance: it lives in memory for the spawn and then only in the replica's environment and files. Installed on the
 * providers when the node is wired ({@link Provider#setSecretSource}).
 */
@FunctionalInterface
public interface SecretSource {

  /** No secrets at all. */
  SecretSource NONE = (instanceId, tenantId) -> Future.succeededFuture(SecretMaterial.NONE);

  /**
   * The instance's secrets as they are stored now. Fails (with a message that names the secret, never its value)
   * when one of them cannot be decrypted: the replica must then not start without it.
   */
  Future<SecretMaterial> materialFor(String instanceId, String tenantId);
}
