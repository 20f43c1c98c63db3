package dev.ctrlplane.events.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DatabaseDump;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook CRUD, the secret shown once and sealed at rest, SSRF refusals, bad input, tenancy, audit. */
class WebhookApiTest {

  /** Default settings: private targets refused. */
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static final String PUBLIC_URL = "https://93.184.215.14/hooks/ctrlplane";

  private static JsonObject hook(String url) {
    return new JsonObject().put("url", url).put("events", new JsonArray().add("instance.*").add("deploy.failed"))
        .put("description", "ops alerts");
  }

  @Test
  void createShowsTheSecretOnceAndSealsIt() {
    String tenant = node.tenant();
    Api api = node.api(node.token(tenant, "alice"));
    JsonObject created = api.post("/v1/webhooks", hook(PUBLIC_URL)).expect(201).json();
    String id = created.getString("id");
    String secret = created.getString("secret");
    assertTrue(id.startsWith("hook_"), id);
    assertTrue(secret.startsWith("whsec_") && Signature.keyOf(secret).length == 32, secret);
    assertEquals(PUBLIC_URL, created.getString("url"));
    assertEquals(new JsonArray().add("instance.*").add("deploy.failed"), created.getJsonArray("events"));
    assertEquals(tenant, created.getString("tenant_id"));
    JsonObject got = api.get("/v1/webhooks/" + id).expect(200).json();
    assertNull(got.getValue("secret"), "the secret is shown once, at creation");
    assertEquals("ops alerts", got.getString("description"));
    JsonObject page = api.get("/v1/webhooks").expect(200).json();
    assertEquals(1, page.getLong("total"));
    assertNull(page.getJsonArray("items").getJsonObject(0).getValue("secret"));
    String dump = DatabaseDump.allRows(node.node().storeUrl());
    assertFalse(dump.contains(secret.substring(6)), "the store holds the secret sealed only");
    JsonObject audit = node.admin().get("/v1/admin/audit?resource=webhook&resource_id=" + id).expect(200).json();
    assertEquals(1, audit.getLong("total"));
    assertFalse(audit.encode().contains(secret.substring(6)));
    api.delete("/v1/webhooks/" + id).expect(204);
    api.get("/v1/webhooks/" + id).expectError(404, "not_found");
    api.delete("/v1/webhooks/" + id).expectError(404, "not_found");
    assertEquals(2, node.admin().get("/v1/admin/audit?resource=webhook&resource_id=" + id).expect(200).json()
        .getLong("total"));
  }

  @Test
  void anotherTenantsWebhookIsNotFound() {
    Api alice = node.tenantApi();
    Api bob = node.tenantApi();
    String id = alice.post("/v1/webhooks", hook(PUBLIC_URL)).expect(201).id();
    bob.get("/v1/webhooks/" + id).expectError(404, "not_found");
    bob.get("/v1/webhooks/" + id + "/deliveries").expectError(404, "not_found");
    bob.delete("/v1/webhooks/" + id).expectError(404, "not_found");
    assertEquals(0, bob.get("/v1/webhooks").expect(200).json().getLong("total"));
    alice.get("/v1/webhooks/" + id + "/deliveries").expect(200);
    node.admin().get("/v1/webhooks/" + id).expect(200);
    bob.post("/v1/webhooks", hook(PUBLIC_URL).put("tenant_id", node.tenant())).expectError(403, "forbidden");
    bob.get("/v1/webhooks?tenant_id=" + node.tenant()).expectError(403, "forbidden");
  }

  @Test
  void internalTargetsAreRefused() {
    Api api = node.tenantApi();
    for (String url : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/x",
        "http://192.168.0.10/x", "http://172.16.5.5/x", "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9000/x", "http://[fd00::1]/x", "http://0.0.0.0/x", "http://100.64.0.1/x",
        "http://127.0.0.1:" + node.node().port() + "/v1/instances"}) {
      api.post("/v1/webhooks", hook(url)).expectError(400, "invalid_argument");
    }
  }

  @Test
  void badInputIsA400NamingTheField() {
    Api api = node.tenantApi();
    assertTrue(api.post("/v1/webhooks", hook("ftp://93.184.215.14/x")).expectError(400, "invalid_argument")
        .body().contains("url"));
    api.post("/v1/webhooks", hook("file:///etc/passwd")).expectError(400, "invalid_argument");
    api.post("/v1/webhooks", hook("not a url")).expectError(400, "invalid_argument");
    api.post("/v1/webhooks", hook("https://user:pw@93.184.215.14/x")).expectError(400, "invalid_argument");
    api.post("/v1/webhooks", hook("https://no-such-host.invalid/x")).expectError(400, "invalid_argument");
    api.post("/v1/webhooks", new JsonObject().put("events", new JsonArray().add("*")))
        .expectError(400, "invalid_argument");
    api.post("/v1/webhooks", hook(PUBLIC_URL).put("events", new JsonArray())).expectError(400, "invalid_argument");
    assertTrue(api.post("/v1/webhooks", hook(PUBLIC_URL).put("events", new JsonArray().add("nope.*")))
        .expectError(400, "invalid_argument").body().contains("events[0]"));
    api.post("/v1/webhooks", hook(PUBLIC_URL).put("events", "instance.*")).expectError(400, "invalid_argument");
    api.post("/v1/webhooks", hook(PUBLIC_URL).put("description", 5)).expectError(400, "invalid_argument");
    api.get("/v1/webhooks/hook_nope").expectError(404, "not_found");
    api.get("/v1/webhooks/inst_00000000000000000000000000").expectError(404, "not_found");
    api.get("/v1/webhooks?limit=0").expectError(400, "invalid_argument");
  }
}
