package dev.ctrlplane.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAPI document lists exactly the routes served: each documented operation reaches a handler. */
class OpenApiTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void documentIsPublicAndDescribesTheApi() {
    JsonObject doc = new Api(node.node().port(), null).get("/v1/openapi.json").expect(200).json();
    assertEquals("3.0.3", doc.getString("openapi"));
    JsonObject paths = doc.getJsonObject("paths");
    assertTrue(paths.containsKey("/v1/instances/{id}/start"));
    assertTrue(paths.containsKey("/v1/admin/tenants/{id}/quota"));
    assertFalse(paths.containsKey("/healthz"), "operations endpoints are outside /v1");
  }

  @Test
  void everyDocumentedOperationIsServed() {
    Api api = node.api(node.adminToken());
    JsonObject paths = api.get("/v1/openapi.json").expect(200).json().getJsonObject("paths");
    int operations = 0;
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        String concrete = path.replace("{id}", "inst_00000000000000000000000000").replace("{key}", "KEY");
        if (path.equals("/v1/events")) {
          concrete += "?types=none.*"; // a 400 proves the route; a valid request would be an endless stream
        }
        Api.Response response = api.send(method.toUpperCase(), concrete, method.equals("get") || method.equals("delete") ? null : "{}");
        assertNotEquals(405, response.status(), method + " " + path + " -> " + response.body());
        assertFalse(response.status() == 404 && response.body().contains("no such route"),
            method + " " + path + " is documented but not served");
        operations++;
      }
    }
    assertEquals(OpenApi.SUMMARIES.size(), operations, "every summarised route is served and documented");
  }
}
