package dev.ctrlplane.secrets;

import static dev.ctrlplane.secrets.ReplicaHttp.endpoints;
import static dev.ctrlplane.secrets.ReplicaHttp.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ciphertext changed in the store, or moved to another secret, instance or version, is refused: the replica start
 * fails with a status_message naming that secret (never its value), the API keeps answering for every secret, and
 * once the bad secret is replaced or deleted the instance starts again.
 */
class SecretTamperTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static final String TAMPER = """
      UPDATE secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)
      WHERE instance_id = $1 AND key = $2""";
  private static final String MOVE = """
      UPDATE secrets t SET key_id = s.key_id, nonce = s.nonce, ciphertext = s.ciphertext
      FROM secrets s WHERE s.instance_id = $1 AND s.key = $2 AND t.instance_id = $3 AND t.key = $4""";
  private static final String OTHER_VERSION =
      "UPDATE secrets SET version = version + 1 WHERE instance_id = $1 AND key = $2";

  private static void sql(String statement, Object... params) {
    Futures.await(node.plane().pool().preparedQuery(statement).execute(Tuple.from(params)));
  }

  private static String running(Api user, String name) {
    String id = user.post("/v1/instances", Fixtures.processInstance(name, "hello:1.0", Map.of())).expect(201).id();
    user.awaitState(id, "running", 30);
    user.post("/v1/instances/" + id + "/secrets", SecretsApiTest.secret("GOOD", "good-value-1", "env")).expect(201);
    user.post("/v1/instances/" + id + "/secrets", SecretsApiTest.secret("BAD", "bad-value-1", "env")).expect(201);
    return id;
  }

  private static void assertRefusedNaming(Api user, String id, String key, String why) {
    JsonObject failed = user.post("/v1/instances/" + id + "/restart?wait=30s").expect(200).json();
    assertEquals("failed", failed.getString("state"), failed::encode);
    String message = failed.getString("status_message");
    assertTrue(message.contains("env secret " + key + " ") && message.contains("cannot be decrypted")
        && message.contains(why), message);
    assertFalse(message.contains("value-1"), message);
    JsonArray listed = user.get("/v1/instances/" + id + "/secrets").expect(200).array();
    assertEquals(2, listed.size(), "the API still lists every secret");
    assertEquals(200, user.get("/v1/instances/" + id).status());
  }

  private static void assertRecoversOnceReplaced(Api user, String id) {
    user.post("/v1/instances/" + id + "/secrets", SecretsApiTest.secret("BAD", "fixed-value", "env")).expect(200);
    JsonObject started = user.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals("running", started.getString("state"));
    assertEquals(Optional.of("good-value-1"), env(endpoints(started).get(0), "GOOD"));
    assertEquals(Optional.of("fixed-value"), env(endpoints(started).get(0), "BAD"));
  }

  @Test
  void aTamperedCiphertextFailsTheStartNamingThatSecret() {
    Api user = node.tenantApi();
    String id = running(user, "tampered");
    sql(TAMPER, id, "BAD");
    assertRefusedNaming(user, id, "BAD", "not authentic");
    assertRecoversOnceReplaced(user, id);
  }

  @Test
  void aCiphertextCopiedToAnotherSecretOfTheSameInstanceIsRefused() {
    Api user = node.tenantApi();
    String id = running(user, "moved-key");
    sql(MOVE, id, "GOOD", id, "BAD");
    assertRefusedNaming(user, id, "BAD", "copied from another secret, instance or version");
    assertRecoversOnceReplaced(user, id);
  }

  @Test
  void aCiphertextCopiedToTheSameKeyOfAnotherInstanceIsRefused() {
    Api user = node.tenantApi();
    String source = running(user, "source");
    String target = running(user, "target");
    sql(MOVE, source, "BAD", target, "BAD");
    assertRefusedNaming(user, target, "BAD", "not authentic");
    assertEquals("running", user.post("/v1/instances/" + source + "/restart?wait=30s").expect(200).json()
        .getString("state"), "the source instance is untouched");
    assertRecoversOnceReplaced(user, target);
  }

  @Test
  void aCiphertextPutBackAtAnotherVersionIsRefused() {
    Api user = node.tenantApi();
    String id = running(user, "versions");
    sql(OTHER_VERSION, id, "BAD");
    assertRefusedNaming(user, id, "BAD", "not authentic");
    assertRecoversOnceReplaced(user, id);
  }

  @Test
  void aValueSealedWithAKeyTheNodeDoesNotHoldNamesThatKey() {
    Api user = node.tenantApi();
    String id = running(user, "unknown-key");
    sql("UPDATE secrets SET key_id = '00000000deadbeef' WHERE instance_id = $1 AND key = $2", id, "BAD");
    assertRefusedNaming(user, id, "BAD", "00000000deadbeef");
    assertEquals(1, AdminFixtures.count(node.node(),
        "SELECT count(*) FROM secrets WHERE instance_id = $1 AND key_id = '00000000deadbeef'", id));
    user.delete("/v1/instances/" + id + "/secrets/BAD").expect(204);
    JsonObject started = user.post("/v1/instances/" + id + "/start?wait=30s").expect(200).json();
    assertEquals("running", started.getString("state"), "deleting the bad secret lets the instance start");
  }
}
