package dev.ctrlplane.cli;

import dev.ctrlplane.Auth;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.config.ConfigException;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.config.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ctrlplane token}: prints a JWT signed with the configured key, for operators and scripts. */
@Command(name = "token", description = "Print a bearer token signed with this installation's key.")
final class TokenCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Option(names = "--tenant", paramLabel = "ID", description = "tenant_id claim (required unless --admin)")
  String tenant;

  @Option(names = "--sub", paramLabel = "NAME", required = true, description = "sub claim: who the token is for")
  String subject;

  @Option(names = "--admin", description = "add the system:admin (operator) role")
  boolean admin;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "lifetime, e.g. 30m, 12h (default 1h)")
  String ttl;

  @Override
  public Integer call() {
    if (tenant == null && !admin) {
      throw new ConfigException("--tenant is required for a non-operator token");
    }
    Duration lifetime = Durations.parse(ttl).filter(d -> !d.isZero())
        .orElseThrow(() -> new ConfigException("--ttl: expected a duration like 30m or 12h, got '" + ttl + "'"));
    CtrlplaneConfig config = options.load();
    if (!config.auth().algorithm().equals("HS256")) {
      throw new ConfigException("auth.jwt.algorithm is " + config.auth().algorithm()
          + ": tokens are minted by the holder of the private key, not by ctrlplane");
    }
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject claims = new JsonObject().put("sub", subject)
          .put("roles", admin ? new JsonArray().add(Principal.ADMIN_ROLE) : new JsonArray());
      if (tenant != null) {
        claims.put("tenant_id", tenant);
      }
      JWTOptions signing = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) lifetime.toSeconds());
      if (!config.auth().issuer().isEmpty()) {
        signing.setIssuer(config.auth().issuer());
      }
      if (!config.auth().audience().isEmpty()) {
        signing.addAudience(config.auth().audience());
      }
      System.out.println(Auth.jwt(vertx, config.auth()).generateToken(claims, signing));
      return 0;
    } finally {
      vertx.close();
    }
  }
}
