package dev.ctrlplane.config;

import dev.ctrlplane.crypto.KeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key of secret values: {@code secrets.key} when set. Otherwise, on a single node, {@code
 * <data.dir>/secrets-key}, generated (owner read/write only) on first use so that a new installation needs no setup;
 * a cluster must be given the key, since every node decrypts what any node sealed. The key is never logged.
 */
public final class SecretsKeyFile {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsKeyFile.class);
  static final String FILE = "secrets-key";

  private SecretsKeyFile() {}

  public static CtrlplaneConfig resolve(CtrlplaneConfig config) {
    if (!config.secrets().key().isEmpty()) {
      return config;
    }
    if (config.cluster().enabled()) {
      throw new ConfigException("invalid configuration: secrets.key is required when cluster.enabled is true: every "
          + "node must hold the same key (base64 of 32 bytes, e.g. from: openssl rand -base64 32)");
    }
    return config.withSecrets(config.secrets().withKey(readOrGenerate(config.dataDir().resolve(FILE))));
  }

  private static String readOrGenerate(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        String key = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
          KeyRing.decode(key);
        } catch (IllegalArgumentException malformed) {
          throw new ConfigException("invalid configuration: " + file + " does not hold a secrets key: "
              + malformed.getMessage() + " (see secrets.key)");
        }
        return key;
      }
      Files.createDirectories(file.getParent());
      String key = KeyRing.generateBase64();
      Path tmp = file.resolveSibling(FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      LOG.info("secrets.key is not set: generated the master key of secret values into {} (key id {}); back it up: "
          + "without it no stored secret can be decrypted", file, KeyRing.keyIdOf(KeyRing.decode(key)));
      return key;
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: cannot read or create the secrets key " + file + ": "
          + e.getMessage() + " (see secrets.key)");
    }
  }
}
