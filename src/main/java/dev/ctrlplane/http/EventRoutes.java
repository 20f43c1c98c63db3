package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventFeed;
import dev.ctrlplane.events.EventFilter;
import dev.ctrlplane.events.EventLog;
import dev.ctrlplane.events.EventStream;
import dev.ctrlplane.events.ResumePoint;
import dev.ctrlplane.tenant.Scope;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code GET /v1/events} (SPEC §11): a Server-Sent Events stream of the caller's tenant (operators: every tenant, or
 * the one {@code tenant_id} names), filtered by {@code types} and {@code instance_id}, resumed after
 * {@code Last-Event-ID} or {@code ?after=}. The one route that takes {@code ?token=} ({@link BearerAuth}), for browser
 * EventSource clients that cannot set headers. It reads the store through the node's feed, not the bus: a stream is
 * long-lived and its events are already in the store.
 */
public final class EventRoutes {

  public static final String PATH = "/v1/events";

  private final EventFeed feed;
  private final EventLog log;
  private final Duration retention;
  private final EventStream.Settings settings;

  public EventRoutes(EventFeed feed, EventLog log, Duration retention, EventStream.Settings settings) {
    this.feed = feed;
    this.log = log;
    this.retention = retention;
    this.settings = settings;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    EventFilter filter;
    try {
      Gateway.envelope(ctx); // the request is read like every route's: a malformed body or query is a 400 here too
      filter = filter(BearerAuth.of(ctx), ctx.queryParams());
    } catch (ApiException invalid) {
      ctx.fail(invalid);
      return;
    }
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    String after = lastEventId != null && !lastEventId.isBlank() ? lastEventId : ctx.queryParams().get("after");
    ResumePoint.resolve(log, feed, after, retention)
        .onSuccess(start -> new EventStream(ctx.vertx().getOrCreateContext(), ctx.request(), feed, log, filter,
            start.position(), settings).start(start.reset()))
        .onFailure(ctx::fail);
  }

  private static EventFilter filter(Principal caller, MultiMap query) {
    String tenantId = Scope.tenantForList(caller, blankToNull(query.get("tenant_id")));
    return new EventFilter(tenantId, EventFilter.parseTypes(query.get("types"), "types"),
        EventFilter.parseInstance(query.get("instance_id")));
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
