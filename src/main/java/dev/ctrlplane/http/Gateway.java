package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.BusClient;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.bus.IfMatch;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Turns an HTTP request into one bus command (the {@link Envelope}) and its reply into the HTTP response. Routes
 * only say which address and action, and which status a success gets.
 */
public final class Gateway {

  /** Query parameters that may repeat and travel as arrays. */
  private static final Set<String> REPEATABLE = Set.of("label");

  private final BusClient bus;

  public Gateway(BusClient bus) {
    this.bus = bus;
  }

  public BusClient bus() {
    return bus;
  }

  public java.time.Duration busTimeout() {
    return bus.timeout();
  }

  /** Forwards the request and answers with {@code status} and the reply as JSON. */
  public void forward(RoutingContext ctx, String address, String action, int status) {
    call(ctx, action).compose(call -> bus.request(address, call))
        .onSuccess(reply -> respond(ctx, status, reply))
        .onFailure(ctx::fail);
  }

  /** The bus command for this request; fails with 400 for a malformed body or If-Match. */
  public Future<Call> call(RoutingContext ctx, String action) {
    try {
      return Future.succeededFuture(new Call(action, BearerAuth.of(ctx), RequestIds.of(ctx),
          ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
          envelope(ctx)));
    } catch (ApiException invalid) {
      return Future.failedFuture(invalid);
    }
  }

  public static void respond(RoutingContext ctx, int status, Object reply) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    if (status == 204 || reply == null) {
      response.end();
      return;
    }
    if (reply instanceof JsonObject json && json.getValue("version") instanceof Integer version) {
      response.putHeader("ETag", "\"" + version + "\"");
    }
    Buffer body = reply instanceof JsonObject json ? json.toBuffer()
        : reply instanceof JsonArray array ? array.toBuffer() : Buffer.buffer(String.valueOf(reply));
    response.putHeader("Content-Type", "application/json").end(body);
  }

  static JsonObject envelope(RoutingContext ctx) {
    JsonObject query = query(ctx.queryParams());
    JsonObject body = body(ctx);
    Fields.requireStorable(query, "");
    Fields.requireStorable(body, "");
    JsonObject envelope = new JsonObject().put(Envelope.QUERY, query);
    String id = ctx.pathParam("id");
    if (id != null) {
      envelope.put(Envelope.ID, id);
    }
    if (ctx.pathParams().size() > (id == null ? 0 : 1)) {
      envelope.put(Envelope.PATH, new JsonObject(new java.util.LinkedHashMap<>(ctx.pathParams())));
    }
    envelope.put(Envelope.BODY, body);
    String idempotencyKey = ctx.request().getHeader("Idempotency-Key");
    if (idempotencyKey != null) {
      envelope.put(Envelope.IDEMPOTENCY_KEY, IdempotencyKey.check(idempotencyKey));
    }
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null && !ifMatch.trim().equals("*")) { // RFC 9110: "*" matches any current version
      envelope.put(Envelope.IF_MATCH, IfMatch.parse(ifMatch).toJson());
    }
    return envelope;
  }

  private static JsonObject query(MultiMap params) {
    JsonObject query = new JsonObject();
    for (String name : params.names()) {
      if (REPEATABLE.contains(name)) {
        query.put(name, new JsonArray(params.getAll(name)));
      } else {
        query.put(name, params.get(name));
      }
    }
    return query;
  }

  /** The body as a JSON object; its media type was checked at the edge ({@link RequestSyntax#checkContent}). */
  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = ctx.body().buffer().toJsonValue();
    } catch (DecodeException e) {
      throw ApiException.invalidField("body", "malformed JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw ApiException.invalidField("body", "must be a JSON object");
    }
    return object;
  }
}
