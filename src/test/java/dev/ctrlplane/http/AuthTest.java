package dev.ctrlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestNode;
import dev.ctrlplane.support.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer tokens (SPEC §3): anything but a valid, unexpired token signed with the node's key is a 401 with a JSON
 * error, on reads and writes alike, and a refused write changes nothing.
 */
class AuthTest {

  static final String OTHER_SECRET = "another-secret-another-secret-0123456789abcdef";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static String tenant;
  static Api owner;

  @BeforeAll
  static void aTenantWithAnInstance() {
    tenant = node.tenant();
    owner = node.api(node.token(tenant, "alice"));
    owner.post("/v1/instances", Fixtures.noopInstance("Guarded")).expect(201);
  }

  @Test
  void missingTokenIs401WithAJsonErrorAndAChallenge() {
    Api anonymous = owner.as(null);
    Api.Response refused = anonymous.get("/v1/instances").expectError(401, "unauthorized");
    assertEquals("Bearer", refused.header("WWW-Authenticate").orElseThrow());
    anonymous.post("/v1/instances", Fixtures.noopInstance("Anonymous")).expectError(401, "unauthorized");
    assertUnchanged();
  }

  @ParameterizedTest(name = "Authorization: {0} -> 401")
  @ValueSource(strings = {"Bearer", "Bearer ", "Basic YWxpY2U6c2VjcmV0", "Token abc", "bearer"})
  void malformedAuthorizationHeaderIs401(String header) {
    Api api = owner.as(null).with("Authorization", header);
    api.get("/v1/instances").expectError(401, "unauthorized");
    api.post("/v1/instances", Fixtures.noopInstance("Malformed")).expectError(401, "unauthorized");
    assertUnchanged();
  }

  @ParameterizedTest(name = "{0} token -> 401")
  @ValueSource(strings = {"garbage", "forged", "expired", "no-exp", "null-exp", "text-exp", "text-nbf", "unsigned",
      "tampered", "no-tenant", "no-sub"})
  void badTokenIs401AndChangesNothing(String kind) {
    Api api = owner.as(badToken(kind, tenant));

    api.get("/v1/instances").expectError(401, "unauthorized");
    api.post("/v1/instances", Fixtures.noopInstance("Intruder " + kind)).expectError(401, "unauthorized");

    assertUnchanged();
  }

  @Test
  void aHandMadeValidTokenIsAccepted() {
    owner.as(Tokens.hs256(TestNode.SECRET, Tokens.user(tenant, 3600))).get("/v1/instances").expect(200);
  }

  @Test
  void bearerSchemeIsCaseInsensitive() {
    owner.as(null).with("Authorization", "bearer " + node.token(tenant, "alice")).get("/v1/instances").expect(200);
  }

  @Test
  void tenantTokenCannotUseAdminRoutes() {
    owner.get("/v1/admin/tenants").expectError(403, "forbidden");
    Api selfMadeAdmin = owner.as(Tokens.hs256(OTHER_SECRET, Tokens.user(tenant, 3600)
        .put("roles", new JsonArray().add("system:admin"))));
    selfMadeAdmin.get("/v1/admin/tenants").expectError(401, "unauthorized");
  }

  /** A token of {@code kind} for a user of {@code tenantId}, each refused for another reason. */
  static String badToken(String kind, String tenantId) {
    return switch (kind) {
      case "garbage" -> "not-a-jwt";
      case "forged" -> Tokens.hs256(OTHER_SECRET, Tokens.user(tenantId, 3600));
      case "expired" -> Tokens.hs256(TestNode.SECRET, Tokens.user(tenantId, -120));
      case "no-exp" -> Tokens.hs256(TestNode.SECRET, withoutExp(tenantId));
      case "null-exp" -> Tokens.hs256(TestNode.SECRET, withoutExp(tenantId).put("exp", (Object) null));
      case "text-exp" -> Tokens.hs256(TestNode.SECRET, withoutExp(tenantId).put("exp", "tomorrow"));
      case "text-nbf" -> Tokens.hs256(TestNode.SECRET, Tokens.user(tenantId, 3600).put("nbf", "now"));
      case "unsigned" -> Tokens.unsigned(Tokens.user(tenantId, 3600));
      case "tampered" -> tampered(Tokens.hs256(TestNode.SECRET, Tokens.user(tenantId, 3600)));
      case "no-tenant" -> Tokens.hs256(TestNode.SECRET, new JsonObject().put("sub", "x").put("exp", Tokens.now() + 3600));
      case "no-sub" -> Tokens.hs256(TestNode.SECRET, withoutExp(tenantId).put("sub", (Object) null)
          .put("exp", Tokens.now() + 3600));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  static JsonObject withoutExp(String tenantId) {
    JsonObject claims = Tokens.user(tenantId, 3600);
    claims.remove("exp");
    return claims;
  }

  static void assertUnchanged() {
    assertEquals(1, owner.get("/v1/instances").expect(200).json().getLong("total"));
  }

  /** The payload of a valid token with one more claim, keeping the original signature. */
  static String tampered(String token) {
    String[] parts = token.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1])));
    claims.put("roles", new JsonArray().add("system:admin"));
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.encode().getBytes());
    return parts[0] + "." + payload + "." + parts[2];
  }
}
