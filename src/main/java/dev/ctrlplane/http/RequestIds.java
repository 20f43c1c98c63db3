package dev.ctrlplane.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** Gives every request an id: the caller's X-Request-Id when it is sane, a new one otherwise; echoed back. */
public final class RequestIds {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "request-id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  public static void handle(RoutingContext ctx) {
    String sent = ctx.request().getHeader(HEADER);
    assign(ctx, sent != null && SANE.matcher(sent).matches() ? sent : fresh());
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "" : id;
  }

  /**
   * The request's id, giving it a fresh one first if it has none: Vert.x Web refuses some requests (a target that
   * is not a path, HTTP/1.1 without Host) before any handler runs, and their errors carry an id all the same.
   */
  static String ensure(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : assign(ctx, fresh());
  }

  static String fresh() {
    return UUID.randomUUID().toString();
  }

  private static String assign(RoutingContext ctx, String id) {
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    return id;
  }
}
