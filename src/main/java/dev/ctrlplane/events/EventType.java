package dev.ctrlplane.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of lifecycle events: the single source of truth for their names, bus addresses and meaning. Every
 * event is stored (outbox) and, after its change commits, published to {@link #FIREHOSE} and to {@link #address()}.
 * {@code data} is the resource as the API shows it, unless the description says otherwise.
 */
public enum EventType {
  INSTANCE_CREATED("instance.created", "an instance was accepted; provisioning starts"),
  INSTANCE_RUNNING("instance.running", "every replica of the instance is up"),
  INSTANCE_STOPPED("instance.stopped", "the instance's replicas were stopped"),
  INSTANCE_FAILED("instance.failed", "the provider could not run the instance; see status_message"),
  INSTANCE_SCALED("instance.scaled", "the instance's resources or replica count changed"),
  INSTANCE_SUSPENDED("instance.suspended", "the instance was suspended (by request, or with its tenant)"),
  INSTANCE_UNSUSPENDED("instance.unsuspended", "the instance was unsuspended and is starting"),
  INSTANCE_UPDATED("instance.updated", "name, labels or env changed"),
  INSTANCE_DELETED("instance.deleted", "the instance and everything it owned are gone"),
  INSTANCE_STATE_CHANGED("instance.state_changed", "any state change; data has from, to and the instance"),
  TENANT_CREATED("tenant.created", "a tenant was created"),
  TENANT_UPDATED("tenant.updated", "a tenant's name, plan, metadata or quota changed"),
  TENANT_SUSPENDED("tenant.suspended", "a tenant became read-only and its instances are being suspended"),
  TENANT_UNSUSPENDED("tenant.unsuspended", "a tenant is active again and its suspended instances resume"),
  TENANT_DELETED("tenant.deleted", "a tenant was deleted"),
  SECRET_SET("secret.set", "a secret was created or got a new version; data is {key, type, version}, never the value"),
  SECRET_DELETED("secret.deleted", "a secret was deleted; data is {key, type, version}"),
  DEPLOY_STARTED("deploy.started", "a deployment began replacing the instance's replicas; data is the deployment"),
  DEPLOY_PROGRESSED("deploy.progressed",
      "a deployment moved to its next step; data is the deployment with step {index, kind, sets}"),
  DEPLOY_SUCCEEDED("deploy.succeeded", "the instance runs the new release alone; data is the deployment"),
  DEPLOY_FAILED("deploy.failed", "a deployment failed (see error); the previous release is being restored"),
  DEPLOY_CANCELLED("deploy.cancelled", "a deployment was cancelled; the previous release is being restored"),
  DEPLOY_ROLLED_BACK("deploy.rolled_back",
      "after a failed or cancelled deployment, the previous release is whole again"),
  ROUTE_ADDED("route.added", "a route was added; data is the route"),
  ROUTE_UPDATED("route.updated", "a route's path, port, weight, prefix stripping or hostname changed"),
  ROUTE_REMOVED("route.removed", "a route was deleted; data is the route as it was"),
  INSTANCE_ENDPOINTS_CHANGED("instance.endpoints_changed",
      "the instance's ready replicas (endpoints) changed without a state change; data is the instance"),
  DOMAIN_ADDED("domain.added", "a custom domain was added to an instance, unverified; data is the domain"),
  DOMAIN_VERIFIED("domain.verified", "the domain's TXT challenge was found in DNS; data is the domain"),
  DOMAIN_REMOVED("domain.removed", "a domain was deleted, with its certificates and the routes naming it"),
  CERT_PROVISIONED("cert.provisioned", "a certificate was issued for a domain; data is the certificate (never its key)"),
  CERT_RENEWED("cert.renewed", "a domain's certificate was replaced by a new one before it expired; data is the new one"),
  CERT_EXPIRING("cert.expiring",
      "renewing a certificate keeps failing and it expires within certs.renew_before; data has the error"),
  QUOTA_EXCEEDED("quota.exceeded", "a call was refused because it would exceed the tenant's quota; data names the limit");

  /** Every event is also published here. */
  public static final String FIREHOSE = "ctrlplane.events";

  private static final Map<String, EventType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::type, Function.identity()));

  private final String type;
  private final String description;

  EventType(String type, String description) {
    this.type = type;
    this.description = description;
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
