package dev.ctrlplane.secrets;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secrets API (SPEC §9): set, list, delete; versions, events, audit, quota, tenant isolation. */
class SecretsApiTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  static JsonObject secret(String key, String value, String type) {
    return new JsonObject().put("key", key).put("value", value).put("type", type);
  }

  @Test
  void aNewKeyIs201AtVersion1AndSettingItAgainIs200AtTheNextVersion() {
    Api user = node.tenantApi();
    String id = Fixtures.runningNoop(user, "web");
    String path = "/v1/instances/" + id + "/secrets";
    assertEquals(new JsonArray(), user.get(path).expect(200).array(), "no secrets is []");

    JsonObject created = user.post(path, secret("DB_PASSWORD", "hunter2-a", "env")).expect(201).json();
    assertEquals(Set.of("id", "instance_id", "key", "type", "version", "created_at", "updated_at"),
        created.fieldNames(), "metadata only, never the value");
    assertTrue(created.getString("id").startsWith("sec_"));
    assertEquals(id, created.getString("instance_id"));
    assertEquals("DB_PASSWORD", created.getString("key"));
    assertEquals("env", created.getString("type"));
    assertEquals(1, created.getInteger("version"));

    JsonObject second = user.post(path, secret("DB_PASSWORD", "hunter2-b", "env")).expect(200).json();
    assertEquals(2, second.getInteger("version"));
    assertEquals(created.getString("id"), second.getString("id"));
    assertEquals(created.getString("created_at"), second.getString("created_at"));
    assertEquals(3, user.post(path, new JsonObject().put("key", "DB_PASSWORD").put("value", "c")).expect(200).json()
        .getInteger("version"), "type defaults to env");

    user.post(path, secret("config/app.yaml", "port: 1", "file")).expect(201);
    JsonArray listed = user.get(path).expect(200).array();
    assertEquals(List.of("DB_PASSWORD", "config/app.yaml"),
        listed.stream().map(o -> ((JsonObject) o).getString("key")).toList(), "by key");
    assertEquals(3, listed.getJsonObject(0).getInteger("version"));
    assertFalse(listed.encode().contains("hunter2"));
  }

  @Test
  void deleteIs204ThenTheKeyIsAbsentAndAFileKeyIsOneEncodedSegment() {
    Api user = node.tenantApi();
    String id = Fixtures.runningNoop(user, "web");
    String path = "/v1/instances/" + id + "/secrets";
    user.post(path, secret("TOKEN", "t", "env")).expect(201);
    user.post(path, secret("certs/tls/key.pem", "k", "file")).expect(201);

    user.delete(path + "/TOKEN").expect(204);
    user.delete(path + "/TOKEN").expectError(404, "not_found");
    user.delete(path + "/certs/tls/key.pem").expectError(404, "not_found"); // '/' must be encoded
    user.delete(path + "/certs%2Ftls%2Fkey.pem").expect(204);
    user.delete(path + "/NEVER_SET").expectError(404, "not_found");
    user.delete(path + "/a%00b").expectError(404, "not_found");
    user.delete(path + "/..%2Fx").expectError(404, "not_found");
    assertEquals(new JsonArray(), user.get(path).expect(200).array());
    // deleted, then set again: a new key, version 1
    assertEquals(1, user.post(path, secret("TOKEN", "t2", "env")).expect(201).json().getInteger("version"));
  }

  @Test
  void aKeysTypeIsFixedAndFileKeysCannotNestInsideEachOther() {
    Api user = node.tenantApi();
    String id = Fixtures.runningNoop(user, "web");
    String path = "/v1/instances/" + id + "/secrets";
    user.post(path, secret("CONFIG", "x", "env")).expect(201);
    String message = user.post(path, secret("CONFIG", "x", "file")).expectError(409, "already_exists").json()
        .getString("message");
    assertTrue(message.contains("CONFIG") && message.contains("env"), message);

    user.post(path, secret("conf/db", "x", "file")).expect(201);
    user.post(path, secret("conf/db/extra", "x", "file")).expectError(409, "already_exists");
    user.post(path, secret("conf", "x", "file")).expectError(409, "already_exists");
    user.post(path, secret("conf/db2", "x", "file")).expect(201);
    user.post(path, secret("confx", "x", "file")).expect(201);
    assertEquals(4, user.get(path).expect(200).array().size());
  }

  @Test
  void eventsAndAuditEntriesCarryKeyTypeAndVersionOnly() {
    String tenantId = node.tenant();
    Api user = node.api(node.token(tenantId, "alice"));
    String id = Fixtures.runningNoop(user, "web");
    String path = "/v1/instances/" + id + "/secrets";
    try (EventTap set = EventTap.on(node.node(), "ctrlplane.events.secret.set");
         EventTap deleted = EventTap.on(node.node(), "ctrlplane.events.secret.deleted")) {
      String secretId = user.post(path, secret("API_KEY", "value-in-no-event", "env")).expect(201).id();
      user.post(path, secret("API_KEY", "value-in-no-event-2", "env")).expect(200);
      user.delete(path + "/API_KEY").expect(204);

      JsonObject first = set.next(e -> true, 10);
      assertEquals("secret.set", first.getString("type"));
      assertEquals(tenantId, first.getString("tenant_id"));
      assertEquals(id, first.getString("instance_id"));
      assertEquals(secretId, first.getString("resource_id"));
      assertEquals("alice", first.getString("actor_id"));
      assertEquals(new JsonObject().put("key", "API_KEY").put("type", "env").put("version", 1),
          first.getJsonObject("data"));
      assertEquals(2, set.next(e -> true, 10).getJsonObject("data").getInteger("version"));
      assertEquals(new JsonObject().put("key", "API_KEY").put("type", "env").put("version", 2),
          deleted.next(e -> true, 10).getJsonObject("data"));
    }
    JsonArray audit = node.admin().get("/v1/admin/audit?resource=secret&tenant_id=" + tenantId).expect(200).json()
        .getJsonArray("items");
    assertEquals(List.of("delete", "set", "set"),
        audit.stream().map(o -> ((JsonObject) o).getString("action")).toList());
    JsonObject entry = audit.getJsonObject(0);
    assertEquals("success", entry.getString("outcome"));
    assertEquals(new JsonObject().put("key", "API_KEY").put("type", "env").put("version", 2).put("instance_id", id),
        entry.getJsonObject("details"));
    assertFalse(audit.encode().contains("value-in-no-event"));
    assertEquals(3, count(node.node(),
        "SELECT count(*) FROM events WHERE type LIKE 'secret.%' AND instance_id = $1", id));
  }

  @Test
  void twentyParallelSetsOfNewKeysAgainstAQuotaOfFiveLeaveExactlyFive() throws Exception {
    String tenantId = Fixtures.createTenant(node.admin(), "pro").getString("id");
    String quotaPath = "/v1/admin/tenants/" + tenantId + "/quota";
    node.admin().put(quotaPath, quota(10, 10000, 10000, 0, 5)).expect(200);
    Api user = node.api(node.token(tenantId, "alice"));
    String a = Fixtures.runningNoop(user, "a");
    String b = Fixtures.runningNoop(user, "b");

    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<Api.Response>> answers = new ArrayList<>();
    try (EventTap exceeded = EventTap.on(node.node(), "ctrlplane.events.quota.exceeded")) {
      for (int i = 0; i < 20; i++) {
        String instance = i % 2 == 0 ? a : b;
        String key = "KEY_" + i;
        answers.add(pool.submit((Callable<Api.Response>) () ->
            user.post("/v1/instances/" + instance + "/secrets", secret(key, "v" + key, "env"))));
      }
      int created = 0;
      int refused = 0;
      for (Future<Api.Response> answer : answers) {
        Api.Response response = answer.get(60, TimeUnit.SECONDS);
        if (response.status() == 201) {
          created++;
        } else {
          response.expectError(429, "quota_exceeded");
          refused++;
        }
      }
      assertEquals(5, created);
      assertEquals(15, refused);
      JsonObject event = exceeded.next(e -> true, 10);
      assertEquals("max_secrets", event.getJsonObject("data").getString("limit"));
      assertEquals("secret", event.getJsonObject("data").getString("resource"));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(5, count(node.node(), "SELECT count(*) FROM secrets WHERE tenant_id = $1", tenantId));
    assertEquals(5, used(quotaPath));

    // a new version of a key does not grow usage; a new key does not fit; deleting one makes room
    String someKey = node.admin().get("/v1/instances/" + a + "/secrets").expect(200).array().size() > 0
        ? a : b;
    String key = node.admin().get("/v1/instances/" + someKey + "/secrets").expect(200).array().getJsonObject(0)
        .getString("key");
    user.post("/v1/instances/" + someKey + "/secrets", secret(key, "again", "env")).expect(200);
    assertEquals(5, used(quotaPath));
    String message = user.post("/v1/instances/" + a + "/secrets", secret("ONE_MORE", "x", "env"))
        .expectError(429, "quota_exceeded").json().getString("message");
    assertTrue(message.contains("max_secrets") && message.contains("5"), message);
    user.delete("/v1/instances/" + someKey + "/secrets/" + key).expect(204);
    assertEquals(4, used(quotaPath));
    user.post("/v1/instances/" + a + "/secrets", secret("ONE_MORE", "x", "env")).expect(201);
    assertEquals(5, used(quotaPath));

    // deleting an instance deletes its secrets, and their usage
    long ofA = count(node.node(), "SELECT count(*) FROM secrets WHERE instance_id = $1", a);
    user.delete("/v1/instances/" + a + "?wait=20s").expect(204);
    assertEquals(0, count(node.node(), "SELECT count(*) FROM secrets WHERE instance_id = $1", a));
    assertEquals(5 - ofA, used(quotaPath));
    assertEquals(5 - ofA, count(node.node(), "SELECT count(*) FROM secrets WHERE tenant_id = $1", tenantId));
  }

  private static long used(String quotaPath) {
    return node.admin().get(quotaPath).expect(200).json().getJsonObject("used").getLong("secrets");
  }

  @Test
  void anotherTenantsInstanceIsNotFoundForEverySecretCallAndNothingChanges() {
    Api owner = node.tenantApi();
    Api other = node.tenantApi();
    String id = Fixtures.runningNoop(owner, "web");
    String path = "/v1/instances/" + id + "/secrets";
    owner.post(path, secret("MINE", "owner-value", "env")).expect(201);

    other.get(path).expectError(404, "not_found");
    other.post(path, secret("MINE", "overwritten", "env")).expectError(404, "not_found");
    other.post(path, secret("THEIRS", "x", "env")).expectError(404, "not_found");
    other.delete(path + "/MINE").expectError(404, "not_found");
    node.api(null).get(path).expectError(401, "unauthorized");

    JsonArray listed = owner.get(path).expect(200).array();
    assertEquals(1, listed.size());
    assertEquals(1, listed.getJsonObject(0).getInteger("version"), "the other tenant's set changed nothing");
    // an operator may act on any tenant's instance
    assertEquals(2, node.admin().post(path, secret("MINE", "by-operator", "env")).expect(200).json()
        .getInteger("version"));
    assertEquals(1, node.admin().get(path).expect(200).array().size());

    owner.get("/v1/instances/inst_00000000000000000000000000/secrets").expectError(404, "not_found");
    owner.get("/v1/instances/not-an-id/secrets").expectError(404, "not_found");
    owner.post("/v1/instances/dep_00000000000000000000000000/secrets", secret("A", "b", "env"))
        .expectError(404, "not_found");
  }

  @Test
  void aSuspendedTenantCannotSetOrDeleteButCanList() {
    String tenantId = node.tenant();
    Api user = node.api(node.token(tenantId, "alice"));
    String id = Fixtures.runningNoop(user, "web");
    String path = "/v1/instances/" + id + "/secrets";
    user.post(path, secret("A", "1", "env")).expect(201);
    node.admin().post("/v1/admin/tenants/" + tenantId + "/suspend", new JsonObject()).expect(200);

    user.post(path, secret("A", "2", "env")).expectError(403, "forbidden");
    user.post(path, secret("B", "2", "env")).expectError(403, "forbidden");
    user.delete(path + "/A").expectError(403, "forbidden");
    JsonArray listed = user.get(path).expect(200).array();
    assertEquals(1, listed.size());
    assertEquals(1, listed.getJsonObject(0).getInteger("version"));
    JsonArray denied = node.admin().get("/v1/admin/audit?resource=secret&tenant_id=" + tenantId + "&action=set")
        .expect(200).json().getJsonArray("items");
    assertTrue(denied.stream().anyMatch(o -> "denied".equals(((JsonObject) o).getString("outcome"))), denied::encode);
    assertNotNull(node.admin().post("/v1/admin/tenants/" + tenantId + "/unsuspend", new JsonObject()).expect(200));
  }
}
