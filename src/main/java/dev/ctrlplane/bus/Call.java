package dev.ctrlplane.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One command on the bus, as the feature verticle sees it: the action, who asked, the request id, and the JSON body.
 * The principal and request travel as headers so the body stays the feature's own payload. {@code mutating} is set
 * by the dispatcher that runs the call, for an action it knows as a mutation (never sent on the wire): such a call's
 * unit of work must write its audit entry to commit ({@code store/Transactions}).
 */
public record Call(String action, Principal principal, String requestId, String clientIp, JsonObject body,
    boolean mutating) {

  /** A call that is not (yet) known as a mutation. */
  public Call(String action, Principal principal, String requestId, String clientIp, JsonObject body) {
    this(action, principal, requestId, clientIp, body, false);
  }

  public static final String ACTION = "action";
  public static final String REQUEST_ID = "request-id";
  public static final String CLIENT_IP = "client-ip";
  public static final String SUBJECT = "principal-sub";
  public static final String TENANT = "principal-tenant";
  public static final String ROLES = "principal-roles";

  public static Call from(Message<?> message) {
    MultiMap h = message.headers();
    Set<String> roles = h.get(ROLES) == null || h.get(ROLES).isEmpty()
        ? Set.of()
        : Arrays.stream(h.get(ROLES).split(",")).collect(Collectors.toSet());
    Object body = message.body();
    return new Call(
        h.get(ACTION),
        new Principal(h.get(SUBJECT), h.get(TENANT), roles),
        h.get(REQUEST_ID),
        h.get(CLIENT_IP),
        body instanceof JsonObject json ? json : new JsonObject());
  }

  /** Delivery options that carry this call's headers to another verticle (or another node). */
  public DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions().addHeader(ACTION, action);
    putIfPresent(options, REQUEST_ID, requestId);
    putIfPresent(options, CLIENT_IP, clientIp);
    putIfPresent(options, SUBJECT, principal.subject());
    putIfPresent(options, TENANT, principal.tenantId());
    options.addHeader(ROLES, String.join(",", principal.roles()));
    return options;
  }

  public Call withAction(String newAction, JsonObject newBody) {
    return new Call(newAction, principal, requestId, clientIp, newBody, mutating);
  }

  /** This call, known as a mutation: its unit of work commits only with its audit entry. */
  public Call asMutation() {
    return new Call(action, principal, requestId, clientIp, body, true);
  }

  private static void putIfPresent(DeliveryOptions options, String name, String value) {
    if (value != null) {
      options.addHeader(name, value);
    }
  }
}
