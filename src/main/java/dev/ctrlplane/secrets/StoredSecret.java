package dev.ctrlplane.secrets;

import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.Sealed;

/** A secret as stored: its metadata and its sealed value. */
record StoredSecret(SecretMetadata meta, Sealed sealed) {

  private static final String PURPOSE = "ctrlplane/secret/v1";

  /** What a secret's value is bound to: its tenant, instance, type, key and version. */
  static byte[] associatedData(String tenantId, String instanceId, SecretType type, String key, int version) {
    return Aad.of(PURPOSE, tenantId, instanceId, type.wire(), key, Integer.toString(version));
  }

  /** The associated data this row's value must have been sealed with. */
  byte[] associatedData() {
    return associatedData(meta.tenantId(), meta.instanceId(), meta.type(), meta.key(), meta.version());
  }

  /** Names the secret in messages and logs: never the value. */
  String describe() {
    return meta.type().wire() + " secret " + meta.key() + " (version " + meta.version() + ") of instance "
        + meta.instanceId();
  }
}
