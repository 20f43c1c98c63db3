package dev.ctrlplane.instance;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An instance as stored, and as the API shows it ({@link #toJson}). {@code env} is plain config, never secrets.
 * {@code replicaSets} is null at rest (see {@link #desiredSets}), and holds a deployment's current step while one runs;
 * {@code deploymentId} names that deployment while it runs or is undone (lifecycle actions wait for it).
 */
public record Instance(
    String id,
    String tenantId,
    String name,
    String slug,
    String image,
    String providerName,
    String providerRef,
    String region,
    String node,
    InstanceState state,
    String statusMessage,
    Resources resources,
    List<PortMapping> ports,
    JsonObject env,
    JsonObject labels,
    List<Endpoint> endpoints,
    String currentReleaseId,
    List<DesiredSet> replicaSets,
    String deploymentId,
    Instant suspendedAt,
    String suspendReason,
    boolean suspendedByTenant,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** This instance as stored by an update that made it {@code version} at {@code updatedAt}. */
  Instance stored(int version, Instant updatedAt) {
    return new Instance(id, tenantId, name, slug, image, providerName, providerRef, region, node, state,
        statusMessage, resources, ports, env, labels, endpoints, currentReleaseId, replicaSets, deploymentId,
        suspendedAt, suspendReason, suspendedByTenant, version, createdAt, updatedAt);
  }

  /**
   * The replica sets the instance should run: those a deployment stored, or at rest one serving set, its current
   * release (image and env) with {@code resources.replicas} replicas.
   */
  public List<DesiredSet> desiredSets() {
    if (replicaSets != null) {
      return replicaSets;
    }
    java.util.Map<String, String> plain = new java.util.LinkedHashMap<>();
    env.forEach(e -> plain.put(e.getKey(), String.valueOf(e.getValue())));
    return List.of(new DesiredSet(new ReplicaSet(currentReleaseId, image, plain, resources.replicas()), true));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("name", name)
        .put("slug", slug)
        .put("image", image)
        .put("provider_name", providerName)
        .put("provider_ref", providerRef)
        .put("region", region)
        .put("node", node)
        .put("state", state.wire())
        .put("status_message", statusMessage)
        .put("resources", resources.toJson())
        .put("ports", new JsonArray(ports.stream().map(PortMapping::toJson).toList()))
        .put("env", env)
        .put("labels", labels)
        .put("endpoints", new JsonArray(endpoints.stream().map(Endpoint::toJson).toList()))
        .put("current_release_id", currentReleaseId)
        .put("deployment_id", deploymentId)
        .put("suspended_at", Times.format(suspendedAt))
        .put("suspend_reason", suspendReason)
        .put("version", version)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /**
   * The columns {@link #fromRow} reads, in its order: every query of instances selects exactly these, so a row is read
   * by position instead of looking each column up by name (which was a measurable part of rendering a list).
   */
  public static final String COLUMNS = "id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, "
      + "state, status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, "
      + "current_release_id, suspended_at, suspend_reason, suspended_by_tenant, version, created_at, updated_at, "
      + "replica_sets, deployment_id";

  public static Instance fromRow(Row row) {
    return new Instance(
        row.getString(0),
        row.getString(1),
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        row.getString(7),
        row.getString(8),
        InstanceState.of(row.getString(9)).orElseThrow(),
        row.getString(10),
        new Resources(row.getInteger(11), row.getInteger(12), row.getInteger(13), row.getInteger(14)),
        jsonArray(row, 15).stream().map(o -> PortMapping.fromJson((JsonObject) o)).toList(),
        jsonObject(row, 16),
        jsonObject(row, 17),
        jsonArray(row, 18).stream().map(o -> Endpoint.fromJson((JsonObject) o)).toList(),
        row.getString(19),
        DesiredSet.fromJson((JsonArray) row.getValue(26)),
        row.getString(27),
        instant(row, 20),
        row.getString(21),
        row.getBoolean(22),
        row.getInteger(23),
        instant(row, 24),
        instant(row, 25));
  }

  /** A copy to change: set the fields that change, then {@link Edit#done()}. */
  public Edit edit() {
    return new Edit(this);
  }

  /** The mutable side of an instance, for building its next version. */
  public static final class Edit {
    private final Instance from;
    public String name;
    public String slug;
    public String image;
    public String providerRef;
    public String node;
    public InstanceState state;
    public String statusMessage;
    public Resources resources;
    public JsonObject env;
    public JsonObject labels;
    public List<Endpoint> endpoints;
    public String currentReleaseId;
    public List<DesiredSet> replicaSets;
    public String deploymentId;
    public Instant suspendedAt;
    public String suspendReason;
    public boolean suspendedByTenant;

    private Edit(Instance i) {
      from = i;
      name = i.name;
      slug = i.slug;
      image = i.image;
      providerRef = i.providerRef;
      node = i.node;
      state = i.state;
      statusMessage = i.statusMessage;
      resources = i.resources;
      env = i.env;
      labels = i.labels;
      endpoints = i.endpoints;
      currentReleaseId = i.currentReleaseId;
      replicaSets = i.replicaSets;
      deploymentId = i.deploymentId;
      suspendedAt = i.suspendedAt;
      suspendReason = i.suspendReason;
      suspendedByTenant = i.suspendedByTenant;
    }

    public Instance done() {
      return new Instance(from.id, from.tenantId, name, slug, image, from.providerName, providerRef, from.region, node,
          state, statusMessage, resources, from.ports, env, labels, endpoints, currentReleaseId, replicaSets,
          deploymentId, suspendedAt, suspendReason, suspendedByTenant, from.version, from.createdAt, from.updatedAt);
    }
  }

  private static JsonObject jsonObject(Row row, int column) {
    Object value = row.getValue(column);
    return value instanceof JsonObject json ? json : new JsonObject();
  }

  private static JsonArray jsonArray(Row row, int column) {
    Object value = row.getValue(column);
    return value instanceof JsonArray json ? json : new JsonArray();
  }

  private static Instant instant(Row row, int column) {
    OffsetDateTime time = row.getOffsetDateTime(column);
    return time == null ? null : time.toInstant();
  }
}
