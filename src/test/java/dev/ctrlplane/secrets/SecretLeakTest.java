package dev.ctrlplane.secrets;

import static dev.ctrlplane.secrets.ReplicaHttp.endpoints;
import static dev.ctrlplane.secrets.ReplicaHttp.env;
import static dev.ctrlplane.secrets.ReplicaHttp.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DatabaseDump;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.LogCapture;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A secret's value is nowhere but in its replicas: not in any API response, event, audit entry, release, /metrics,
 * the control plane's log (every level, exceptions included), any row of any table, or any byte of PostgreSQL's data
 * directory. Each check also finds something that must be there (a plain env value, a key name, a log line), so a
 * check that looks in the wrong place fails instead of passing.
 */
class SecretLeakTest {

  @RegisterExtension
  @Order(1)
  static final LogCapture logs = new LogCapture();

  @RegisterExtension
  @Order(2)
  static final NodeExtension node = new NodeExtension();

  private final StringBuilder responses = new StringBuilder();

  private Api.Response seen(Api.Response response) {
    responses.append(response.body()).append('\n');
    return response;
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  void noValueIsInResponsesEventsAuditMetricsLogsTheTablesOrTheDataDirectory() {
    List<String> events = new ArrayList<>();
    MessageConsumer<JsonObject> tap = node.plane().vertx().eventBus()
        .consumer(EventType.FIREHOSE, message -> {
          synchronized (events) {
            events.add(message.body().encode());
          }
        });
    Futures.await(tap.completion());

    String plain = unique("plaincontrol");
    String envValue = unique("envsecret");
    String envValue2 = unique("envsecretv2");
    String fileValue = unique("filesecret");
    String refusedValue = unique("refusedsecret");
    String tamperedValue = unique("tamperedsecret");
    List<String> values = List.of(envValue, envValue2, fileValue, refusedValue, tamperedValue);

    String tenantId = node.tenant();
    Api user = node.api(node.token(tenantId, "alice"));
    String id = seen(user.post("/v1/instances", Fixtures.processInstance("leak", "hello:1.0",
        Map.of("PLAIN", plain)))).expect(201).id();
    user.awaitState(id, "running", 30);
    String secrets = "/v1/instances/" + id + "/secrets";
    seen(user.post(secrets, SecretsApiTest.secret("S_ENV", envValue, "env"))).expect(201);
    seen(user.post(secrets, SecretsApiTest.secret("S_ENV", envValue2, "env"))).expect(200);
    seen(user.post(secrets, SecretsApiTest.secret("conf/s.txt", fileValue, "file"))).expect(201);
    seen(user.post(secrets, SecretsApiTest.secret("S_ENV", refusedValue, "file"))).expectError(409, "already_exists");
    JsonObject restarted = seen(user.post("/v1/instances/" + id + "/restart?wait=30s")).expect(200).json();
    // the values were decrypted on this node and reached the replica: it is the only place they may be
    assertEquals(Optional.of(envValue2), env(endpoints(restarted).get(0), "S_ENV"));
    assertEquals(Optional.of(fileValue), file(endpoints(restarted).get(0), "conf/s.txt"));

    String broken = seen(user.post("/v1/instances", Fixtures.processInstance("broken", "hello:1.0", Map.of())))
        .expect(201).id();
    user.awaitState(broken, "running", 30);
    seen(user.post("/v1/instances/" + broken + "/secrets", SecretsApiTest.secret("T_KEY", tamperedValue, "env")))
        .expect(201);
    Futures.await(node.plane().pool().preparedQuery(
        "UPDATE secrets SET ciphertext = set_byte(ciphertext, 3, get_byte(ciphertext, 3) # 8) WHERE instance_id = $1")
        .execute(Tuple.of(broken)));
    assertEquals("failed", seen(user.post("/v1/instances/" + broken + "/restart?wait=30s")).expect(200).json()
        .getString("state"));

    seen(user.get("/v1/instances/" + id)).expect(200);
    seen(user.get("/v1/instances")).expect(200);
    seen(user.get(secrets)).expect(200);
    seen(user.get("/v1/instances/" + broken + "/secrets")).expect(200);
    String audit = seen(node.admin().get("/v1/admin/audit?limit=100&tenant_id=" + tenantId)).expect(200).body();
    seen(node.admin().get("/v1/admin/tenants/" + tenantId + "/quota")).expect(200);
    String metrics = new Api(node.node().port(), null).get("/metrics").expect(200).body();
    seen(new Api(node.node().port(), null).get("/v1/openapi.json")).expect(200);
    Futures.await(tap.unregister());
    String published;
    synchronized (events) {
      published = String.join("\n", events);
    }
    String rows = DatabaseDump.allRows(node.node().storeUrl());
    List<String> needles = new ArrayList<>(values);
    values.forEach(v -> needles.add(base64(v)));
    needles.add(plain);
    Map<String, List<Path>> raw = DatabaseDump.filesContaining(node.node().storeUrl(), needles);
    String logged = logs.text();

    // each place holds what it should, so looking there means something
    assertTrue(responses.toString().contains(plain) && responses.toString().contains("S_ENV"), "responses");
    assertTrue(published.contains("\"key\":\"S_ENV\"") && published.contains(plain), "events were captured");
    assertTrue(audit.contains("S_ENV"), "audit");
    assertTrue(metrics.contains("vertx_http_server"), "metrics");
    assertTrue(rows.contains(plain) && rows.contains("S_ENV") && rows.contains("\"secrets\": ("), "the dump");
    assertFalse(raw.get(plain).isEmpty(), "the plain env value is in the data directory's raw bytes");
    assertTrue(logged.contains("T_KEY") && logged.contains("cannot be decrypted") && logged.contains(broken),
        "the log was captured, with the unreadable secret named");
    assertTrue(logged.contains("DEBUG") || logged.contains("TRACE"), "the log was captured below INFO");

    for (String value : values) {
      for (String form : List.of(value, base64(value))) {
        assertFalse(responses.toString().contains(form), "a response holds a secret value");
        assertFalse(published.contains(form), "an event holds a secret value");
        assertFalse(metrics.contains(form), "/metrics holds a secret value");
        assertFalse(rows.contains(form), "a table row holds a secret value");
        assertEquals(List.of(), raw.get(form), "PostgreSQL's files hold a secret value");
        assertFalse(logged.contains(form), "the log holds a secret value");
      }
    }
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
