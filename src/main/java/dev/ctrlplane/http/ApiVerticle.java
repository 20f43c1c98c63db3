package dev.ctrlplane.http;

import dev.ctrlplane.Feature;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;

/**
 * The HTTP edge: request ids, what is malformed before any route ({@link RequestSyntax}), body limit, bearer auth, the /v1 routes the features mount (each one bus request to a
 * feature), the operations endpoints, and the one failure handler that shapes every error.
 */
public final class ApiVerticle extends VerticleBase {

  /** What the edge needs, built once per node and shared by its instances. */
  public record Settings(String host, int port, int bodyLimit, Gateway gateway, BearerAuth auth, Readiness readiness,
      List<Feature> features, String version) {}

  private final Settings settings;
  private HttpServer server;

  public ApiVerticle(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::handle);
    router.route().handler(RequestSyntax::checkTarget);
    router.route("/v1/*").handler(RequestSyntax::checkContent);
    mountOperations(router);
    JsonObject[] openApi = new JsonObject[1];
    router.get(OpenApi.PATH).handler(ctx -> Gateway.respond(ctx, 200, openApi[0]));
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(settings.bodyLimit()));
    router.route("/v1/*").handler(settings.auth()::handle);
    settings.features().forEach(feature -> feature.mount(router, settings.gateway()));
    openApi[0] = OpenApi.document(router, settings.version());
    router.route().failureHandler(ErrorResponses::handle);
    router.errorHandler(400, ErrorResponses::handle);
    router.errorHandler(404, ErrorResponses::handle);
    router.errorHandler(405, AllowedMethods.of(router)::handle405);
    router.errorHandler(500, ErrorResponses::handle);
    HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
        .setIdleTimeout(120).setTcpNoDelay(true);
    return vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(RequestSyntax::invalidRequest)
        .listen().onSuccess(listening -> server = listening);
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void mountOperations(Router router) {
    router.get("/healthz").handler(ctx -> Gateway.respond(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> settings.readiness().check().onSuccess(checks ->
        Gateway.respond(ctx, Readiness.ready(checks) ? 200 : 503,
            checks.put("status", Readiness.ready(checks) ? "ready" : "not ready"))));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
  }
}
