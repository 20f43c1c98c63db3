package dev.ctrlplane;

import dev.ctrlplane.config.CtrlplaneConfig.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Builds the JWT verifier (and, for HS256, signer) from the auth settings. */
public final class Auth {

  private Auth() {}

  public static JWTAuth jwt(Vertx vertx, AuthConfig auth) {
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(auth.algorithm())
        .setBuffer(auth.algorithm().equals("HS256") ? auth.secret() : auth.publicKey());
    JWTOptions verify = new JWTOptions().setLeeway(5);
    if (!auth.issuer().isEmpty()) {
      verify.setIssuer(auth.issuer());
    }
    if (!auth.audience().isEmpty()) {
      verify.addAudience(auth.audience());
    }
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(verify));
  }
}
