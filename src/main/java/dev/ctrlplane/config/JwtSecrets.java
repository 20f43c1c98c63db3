package dev.ctrlplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key for tokens: {@code auth.jwt.secret} when set, else {@code <data.dir>/jwt-secret}, generated (owner
 * read/write only) on first use so that a new installation needs no setup.
 */
public final class JwtSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(JwtSecrets.class);
  private static final String FILE = "jwt-secret";

  private JwtSecrets() {}

  public static CtrlplaneConfig resolve(CtrlplaneConfig config) {
    if (!config.auth().algorithm().equals("HS256") || !config.auth().secret().isEmpty()) {
      return config;
    }
    return config.withAuth(config.auth().withSecret(readOrGenerate(config.dataDir().resolve(FILE))));
  }

  private static String readOrGenerate(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.length() >= 32) {
          return secret;
        }
        throw new ConfigException("invalid configuration: " + file + " holds a JWT secret shorter than 32 bytes");
      }
      Files.createDirectories(file.getParent());
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      LOG.info("auth.jwt.secret is not set: generated a JWT signing secret into {}", file);
      return secret;
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: cannot read or create the JWT secret " + file + ": "
          + e.getMessage());
    }
  }
}
