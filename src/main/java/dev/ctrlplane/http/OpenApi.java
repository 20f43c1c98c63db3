package dev.ctrlplane.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3 document of {@code /v1}, generated from the router's own routes so it cannot drift from what is
 * served; each operation's summary comes from {@link #SUMMARIES}, and a route without one fails start-up.
 */
final class OpenApi {

  static final String PATH = "/v1/openapi.json";
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([A-Za-z_]+)}");

  static final Map<String, String> SUMMARIES = Map.ofEntries(
      Map.entry("POST /v1/instances", "Create an instance (201, state provisioning)"),
      Map.entry("GET /v1/instances", "List instances (filters state, label=k=v, provider; cursor page)"),
      Map.entry("GET /v1/instances/{id}", "Get an instance (ETag = version)"),
      Map.entry("PATCH /v1/instances/{id}", "Update name, labels, env (If-Match honoured)"),
      Map.entry("DELETE /v1/instances/{id}", "Destroy an instance (202 destroying; ?wait= for 204)"),
      Map.entry("POST /v1/instances/{id}/start", "Start (202 starting; ?wait= for 200)"),
      Map.entry("POST /v1/instances/{id}/stop", "Stop (202 stopping; ?wait= for 200)"),
      Map.entry("POST /v1/instances/{id}/restart", "Restart (202 restarting; ?wait= for 200)"),
      Map.entry("POST /v1/instances/{id}/scale", "Scale resources and replicas, quota-checked"),
      Map.entry("POST /v1/instances/{id}/suspend", "Suspend (202 suspending; ?wait= for 200)"),
      Map.entry("POST /v1/instances/{id}/unsuspend", "Unsuspend (202 starting; ?wait= for 200)"),
      Map.entry("POST /v1/instances/{id}/secrets", "Set a secret (201 new key, 200 new version; never shown again)"),
      Map.entry("GET /v1/instances/{id}/secrets", "List an instance's secrets (metadata only, never values)"),
      Map.entry("DELETE /v1/instances/{id}/secrets/{key}", "Delete a secret (a file key's '/' as %2F)"),
      Map.entry("POST /v1/instances/{id}/deploy", "Deploy a new release (201 pending; Idempotency-Key honoured)"),
      Map.entry("POST /v1/instances/{id}/rollback", "Roll back to one of the instance's releases (201 pending)"),
      Map.entry("GET /v1/instances/{id}/deployments", "List an instance's deployments (cursor page, newest first)"),
      Map.entry("GET /v1/deployments/{id}", "Get a deployment, with its progress"),
      Map.entry("POST /v1/deployments/{id}/cancel", "Cancel a pending or running deployment; the previous release is restored"),
      Map.entry("GET /v1/instances/{id}/releases", "List an instance's releases (cursor page, version desc)"),
      Map.entry("GET /v1/releases/{id}", "Get a release"),
      Map.entry("POST /v1/instances/{id}/routes", "Add a route to the edge router (201)"),
      Map.entry("GET /v1/instances/{id}/routes", "List an instance's routes ([] when none)"),
      Map.entry("PATCH /v1/routes/{id}", "Change a route's path, port, weight, strip_prefix, hostname (If-Match honoured)"),
      Map.entry("DELETE /v1/routes/{id}", "Delete a route (204)"),
      Map.entry("POST /v1/instances/{id}/health/checks", "Add a health check (201; http, tcp, grpc or command)"),
      Map.entry("GET /v1/instances/{id}/health/checks", "List an instance's health checks"),
      Map.entry("GET /v1/instances/{id}/health", "An instance's health: per check, aggregate, 24h uptime"),
      Map.entry("DELETE /v1/health/checks/{id}", "Delete a health check, its results with it"),
      Map.entry("POST /v1/health/checks/{id}/run", "Run a check now on every replica; stores and returns the results"),
      Map.entry("POST /v1/instances/{id}/domains", "Add a custom domain (201, unverified; says which TXT record to publish)"),
      Map.entry("GET /v1/instances/{id}/domains", "List an instance's domains ([] when none)"),
      Map.entry("DELETE /v1/domains/{id}", "Delete a domain, its certificates and the routes naming it (204)"),
      Map.entry("POST /v1/domains/{id}/verify", "Look the TXT challenge up in DNS (200 verified, 422 not found, 503)"),
      Map.entry("POST /v1/domains/{id}/cert", "Issue a certificate for a verified domain (201; never the key)"),
      Map.entry("GET /v1/domains/{id}/cert", "The domain's certificate chain as PEM (never the key)"),
      Map.entry("GET /v1/admin/ca", "The built-in certificate authority's root certificate as PEM (operators)"),
      Map.entry("POST /v1/admin/tenants", "Create a tenant (operators)"),
      Map.entry("GET /v1/admin/tenants", "List tenants (?status=, cursor page)"),
      Map.entry("GET /v1/admin/tenants/{id}", "Get a tenant"),
      Map.entry("PATCH /v1/admin/tenants/{id}", "Update a tenant's name, slug, plan, metadata"),
      Map.entry("DELETE /v1/admin/tenants/{id}", "Delete a tenant that owns no instances"),
      Map.entry("POST /v1/admin/tenants/{id}/suspend", "Suspend a tenant: read-only, instances suspended"),
      Map.entry("POST /v1/admin/tenants/{id}/unsuspend", "Unsuspend a tenant: its instances resume"),
      Map.entry("GET /v1/admin/tenants/{id}/quota", "A tenant's quota and what it uses"),
      Map.entry("PUT /v1/admin/tenants/{id}/quota", "Replace a tenant's quota"),
      Map.entry("GET /v1/admin/audit", "The audit log (filters, cursor page)"),
      Map.entry("GET /v1/admin/audit/verify", "Recompute a tenant's audit hash chain"),
      Map.entry("GET /v1/admin/stats", "Counts of tenants, instances, providers, cluster nodes"),
      Map.entry("GET /v1/admin/providers", "Providers: health, capabilities, instances"),
      Map.entry("GET /v1/events", "Server-Sent Events (types=, instance_id=, tenant_id=; Last-Event-ID or after= resumes; ?token= accepted)"),
      Map.entry("POST /v1/webhooks", "Register a webhook (201; the signing secret is shown this once)"),
      Map.entry("GET /v1/webhooks", "List webhooks (cursor page)"),
      Map.entry("GET /v1/webhooks/{id}", "Get a webhook (never its secret)"),
      Map.entry("DELETE /v1/webhooks/{id}", "Delete a webhook; its pending deliveries are dropped"),
      Map.entry("GET /v1/webhooks/{id}/deliveries", "A webhook's deliveries with every attempt (cursor page)"),
      Map.entry("GET /v1/openapi.json", "This document"));

  private OpenApi() {}

  static JsonObject document(Router router, String version) {
    Map<String, JsonObject> paths = new TreeMap<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/v1/") || route.methods() == null) {
        continue;
      }
      String templated = path.replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod method : route.methods()) {
        paths.computeIfAbsent(templated, p -> new JsonObject())
            .put(method.name().toLowerCase(), operation(method.name() + " " + templated, templated));
      }
    }
    return new JsonObject()
        .put("openapi", "3.0.3")
        .put("info", new JsonObject().put("title", "ctrlplane API").put("version", version))
        .put("components", components())
        .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
        .put("paths", new JsonObject(new java.util.LinkedHashMap<>(paths)));
  }

  private static JsonObject operation(String key, String path) {
    String summary = SUMMARIES.get(key);
    if (summary == null) {
      throw new IllegalStateException("route " + key + " has no OpenAPI summary in OpenApi.SUMMARIES");
    }
    JsonObject operation = new JsonObject().put("summary", summary).put("responses", new JsonObject()
        .put("default", new JsonObject().put("description", "an error").put("content", new JsonObject()
            .put("application/json", new JsonObject().put("schema", ref("Error")))))
        .put("2XX", new JsonObject().put("description", "success")));
    JsonArray parameters = new JsonArray();
    Matcher names = PATH_PARAMETER.matcher(path);
    while (names.find()) {
      parameters.add(new JsonObject().put("name", names.group(1)).put("in", "path")
          .put("required", true).put("schema", new JsonObject().put("type", "string")));
    }
    if (!parameters.isEmpty()) {
      operation.put("parameters", parameters);
    }
    return operation;
  }

  private static JsonObject components() {
    JsonObject error = new JsonObject().put("type", "object")
        .put("required", new JsonArray().add("message").add("code"))
        .put("properties", new JsonObject()
            .put("message", new JsonObject().put("type", "string"))
            .put("code", new JsonObject().put("type", "string"))
            .put("request_id", new JsonObject().put("type", "string")));
    return new JsonObject()
        .put("schemas", new JsonObject().put("Error", error))
        .put("securitySchemes", new JsonObject().put("bearer",
            new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")));
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", "#/components/schemas/" + schema);
  }
}
