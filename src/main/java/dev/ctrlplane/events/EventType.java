package dev.ctrlplane.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of lifecycle events: the single source of truth for their names, bus addresses, payloads and meaning.
 * Every event is stored (outbox) and, after its change commits, published to {@link #FIREHOSE} and to
 * {@link #address()}; the SSE stream and webhooks read the same rows. {@code docs/EVENTS.md} is generated from this
 * enum ({@link EventCatalogue}); a test fails when it is stale. Code can only emit a type listed here
 * ({@code Tx.emit} takes this enum), so adding a type means adding a constant, then regenerating the doc.
 */
public enum EventType {
  INSTANCE_CREATED("instance.created",
      "the instance (as GET /v1/instances/{id} shows it)",
      "an instance was accepted; provisioning starts"),
  INSTANCE_RUNNING("instance.running",
      "the instance (as GET /v1/instances/{id} shows it)",
      "every replica of the instance is up"),
  INSTANCE_STOPPED("instance.stopped",
      "the instance (as GET /v1/instances/{id} shows it)",
      "the instance's replicas were stopped"),
  INSTANCE_FAILED("instance.failed",
      "the instance (as GET /v1/instances/{id} shows it), status_message says why",
      "the provider could not run the instance; see status_message"),
  INSTANCE_SCALED("instance.scaled",
      "the instance (as GET /v1/instances/{id} shows it)",
      "the instance's resources or replica count changed"),
  INSTANCE_SUSPENDED("instance.suspended",
      "the instance (as GET /v1/instances/{id} shows it)",
      "the instance was suspended (by request, or with its tenant)"),
  INSTANCE_UNSUSPENDED("instance.unsuspended",
      "the instance (as GET /v1/instances/{id} shows it)",
      "the instance was unsuspended and is starting"),
  INSTANCE_UPDATED("instance.updated",
      "the instance (as GET /v1/instances/{id} shows it)",
      "name, labels or env changed"),
  INSTANCE_DELETED("instance.deleted",
      "the instance (as GET /v1/instances/{id} shows it), as it was last",
      "the instance and everything it owned are gone"),
  INSTANCE_STATE_CHANGED("instance.state_changed",
      "{from (null when created), to, instance}",
      "any state change; data has from, to and the instance"),
  TENANT_CREATED("tenant.created",
      "the tenant (as GET /v1/admin/tenants/{id} shows it)",
      "a tenant was created"),
  TENANT_UPDATED("tenant.updated",
      "the tenant",
      "a tenant's name, plan, metadata or quota changed"),
  TENANT_SUSPENDED("tenant.suspended",
      "the tenant",
      "a tenant became read-only and its instances are being suspended"),
  TENANT_UNSUSPENDED("tenant.unsuspended",
      "the tenant",
      "a tenant is active again and its suspended instances resume"),
  TENANT_DELETED("tenant.deleted",
      "the tenant, as it was last",
      "a tenant was deleted"),
  SECRET_SET("secret.set",
      "{key, type, version}",
      "a secret was created or got a new version; data is {key, type, version}, never the value"),
  SECRET_DELETED("secret.deleted",
      "{key, type, version}",
      "a secret was deleted; data is {key, type, version}"),
  DEPLOY_STARTED("deploy.started",
      "the deployment (as GET /v1/deployments/{id} shows it)",
      "a deployment began replacing the instance's replicas; data is the deployment"),
  DEPLOY_PROGRESSED("deploy.progressed",
      "the deployment (as GET /v1/deployments/{id} shows it) with step {index, kind, sets}",
      "a deployment moved to its next step; data is the deployment with step {index, kind, sets}"),
  DEPLOY_SUCCEEDED("deploy.succeeded",
      "the deployment (as GET /v1/deployments/{id} shows it)",
      "the instance runs the new release alone; data is the deployment"),
  DEPLOY_FAILED("deploy.failed",
      "the deployment (as GET /v1/deployments/{id} shows it) with its error",
      "a deployment failed (see error); the previous release is being restored"),
  DEPLOY_CANCELLED("deploy.cancelled",
      "the deployment (as GET /v1/deployments/{id} shows it)",
      "a deployment was cancelled; the previous release is being restored"),
  DEPLOY_ROLLED_BACK("deploy.rolled_back",
      "the deployment (as GET /v1/deployments/{id} shows it)",
      "after a failed or cancelled deployment, the previous release is whole again"),
  WEBHOOK_CREATED("webhook.created",
      "the webhook {id, url, events, description, created_at}, never its secret",
      "a webhook was registered"),
  WEBHOOK_DELETED("webhook.deleted",
      "the webhook {id, url, events, description, created_at}",
      "a webhook was deleted; its pending deliveries are dropped"),
  ROUTE_ADDED("route.added",
      "the route (as GET /v1/instances/{id}/routes shows it)",
      "a route was added"),
  ROUTE_UPDATED("route.updated",
      "the route as it is now",
      "a route's path, port, weight, prefix stripping or hostname changed"),
  ROUTE_REMOVED("route.removed",
      "the route as it was",
      "a route was deleted"),
  INSTANCE_ENDPOINTS_CHANGED("instance.endpoints_changed",
      "the instance (as GET /v1/instances/{id} shows it)",
      "the instance's ready replicas (endpoints) changed without a state change"),
  HEALTH_CHECK_CREATED("health.check_created",
      "the check (as GET /v1/instances/{id}/health/checks shows it)",
      "a health check was added to an instance"),
  HEALTH_CHECK_DELETED("health.check_deleted",
      "the check as it was",
      "a health check was deleted"),
  HEALTH_FAILED("health.failed",
      "{check_id, name, instance_id, from, to, consecutive_failures}",
      "a check turned unhealthy on every replica"),
  HEALTH_DEGRADED("health.degraded",
      "{check_id, name, instance_id, from, to, consecutive_failures}",
      "a check turned unhealthy on some replicas but not all"),
  HEALTH_RECOVERED("health.recovered",
      "{check_id, name, instance_id, from, to, consecutive_failures}",
      "a check that was unhealthy or degraded passes on every replica again"),
  DOMAIN_ADDED("domain.added",
      "the domain (as GET /v1/instances/{id}/domains shows it)",
      "a custom domain was added to an instance, unverified"),
  DOMAIN_VERIFIED("domain.verified",
      "the domain",
      "the domain's TXT challenge was found in DNS"),
  DOMAIN_REMOVED("domain.removed",
      "the domain as it was",
      "a domain was deleted, with its certificates and the routes naming it"),
  CERT_PROVISIONED("cert.provisioned",
      "the certificate (never its key)",
      "a certificate was issued for a domain"),
  CERT_RENEWED("cert.renewed",
      "the new certificate (never its key)",
      "a domain's certificate was replaced by a new one before it expired"),
  CERT_EXPIRING("cert.expiring",
      "the certificate (never its key) with renew_failures, error and noticed_at",
      "renewing a certificate keeps failing and it expires within certs.renew_before"),
  QUOTA_EXCEEDED("quota.exceeded",
      "{limit, max, would_use, resource, action}",
      "a call was refused because it would exceed the tenant's quota; data names the limit");

  /** Every event is also published here. */
  public static final String FIREHOSE = "ctrlplane.events";

  private static final Map<String, EventType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::type, Function.identity()));

  private final String type;
  private final String payload;
  private final String description;

  EventType(String type, String payload, String description) {
    this.type = type;
    this.payload = payload;
    this.description = description;
  }

  /** What {@code data} holds. */
  public String payload() {
    return payload;
  }

  /** The dotted name, e.g. {@code instance.created}. */
  public String type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The bus address of this type alone, e.g. {@code ctrlplane.events.instance.created}. */
  public String address() {
    return FIREHOSE + "." + type;
  }

  public static EventType of(String type) {
    return BY_NAME.get(type);
  }
}
