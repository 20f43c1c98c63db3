package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.ErrorCode;
import dev.ctrlplane.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies {@code Authorization: Bearer <JWT>} (SPEC §3): signature, {@code exp} (required), and iss/aud when
 * configured by the JWTAuth options. The principal is kept on the routing context for the routes.
 *
 * <p>A token that verified is remembered, keyed by its exact text, until its {@code exp}: clients send the same token
 * on every request, and checking the HMAC and decoding the claims again each time is work with a known answer.
 * Nothing a later check could change is skipped: the key and options are fixed for the node's life, and {@code nbf}
 * and {@code iat} only ever become more true. A different signature or any other byte is a different key, so the
 * cache can only answer for a token that was itself verified. Failures are not remembered.
 */
public final class BearerAuth {

  private static final String KEY = "principal";
  private static final String TENANT_CLAIM = "tenant_id";
  /** Enough for every active caller of a node; when full, the cache starts over rather than tracking recency. */
  private static final int MAX_REMEMBERED = 10_000;

  private record Verified(Principal principal, long expiresAtMillis) {}

  private final JWTAuth jwt;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public BearerAuth(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public void handle(RoutingContext ctx) {
    String token = tokenOf(ctx);
    if (token == null) {
      ErrorResponses.send(ctx, unauthorized("missing bearer token"));
      return;
    }
    verify(token).onComplete(done -> {
      if (done.succeeded()) {
        ctx.put(KEY, done.result());
        ctx.next();
      } else {
        ErrorResponses.send(ctx, done.cause() instanceof ApiException api ? api : unauthorized("invalid token"));
      }
    });
  }

  /**
   * The bearer token of the Authorization header; on the event stream alone (SPEC §3), {@code ?token=} when the
   * request has no such header, since a browser's EventSource cannot set one.
   */
  private static String tokenOf(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
      return header.substring(7).trim();
    }
    if (header == null && EventRoutes.PATH.equals(ctx.request().path())) {
      String query = ctx.request().getParam("token");
      return query == null || query.isBlank() ? null : query.trim();
    }
    return null;
  }

  public Future<Principal> verify(String token) {
    Verified known = verified.get(token);
    if (known != null && System.currentTimeMillis() < known.expiresAtMillis()) {
      return Future.succeededFuture(known.principal());
    }
    return authenticate(token)
        .recover(invalid -> Future.failedFuture(unauthorized("invalid, expired or wrongly signed token")))
        .map(user -> {
          JsonObject claims = claimsOf(user);
          Principal principal = principalOf(claims);
          remember(token, principal, claims.getLong("exp"));
          return principal;
        });
  }

  /** Until exp itself: a token inside its clock leeway is verified again, so the leeway keeps its exact meaning. */
  private void remember(String token, Principal principal, long expSeconds) {
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    verified.put(token, new Verified(principal, expSeconds * 1000));
  }

  /** Vert.x throws, rather than fails, for some ill-typed claims (e.g. {@code "exp": null} or text). */
  private Future<io.vertx.ext.auth.User> authenticate(String token) {
    try {
      return jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException illTyped) {
      return Future.failedFuture(illTyped);
    }
  }

  /** Vert.x keeps the decoded claims as the user's "accessToken" attribute; its principal holds the raw token. */
  private static JsonObject claimsOf(io.vertx.ext.auth.User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims != null ? claims : user.principal();
  }

  public static Principal of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  static Principal principalOf(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number)) {
      throw unauthorized("token has no exp claim");
    }
    String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
    if (subject == null) {
      throw unauthorized("token has no sub claim");
    }
    Set<String> roles = new HashSet<>();
    if (claims.getValue("roles") instanceof JsonArray array) {
      array.forEach(role -> roles.add(String.valueOf(role)));
    }
    String tenantId = claims.getValue(TENANT_CLAIM) instanceof String t && !t.isBlank() ? t : null;
    Principal principal = new Principal(subject, tenantId, roles);
    if (tenantId == null && !principal.isAdmin()) {
      throw unauthorized("token has no tenant_id claim");
    }
    return principal;
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(ErrorCode.UNAUTHORIZED, message);
  }
}
