package dev.ctrlplane.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.Future;

/**
 * The health benchmark's target: a Vert.x HTTP server that answers every request 200 {@code ok} at once, in a JVM of
 * its own (so its garbage and threads are not the control plane's). Prints {@code listening <port>}.
 * Usage: {@code FastServer <event-loops>}.
 */
public final class FastServer extends VerticleBase {

  private static volatile int port = -1;

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(req -> req.response().end("ok")).listen(port, "127.0.0.1")
        .onSuccess(server -> port = server.actualPort());
  }

  public static void main(String[] args) {
    int loops = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(FastServer::new, new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("listening " + port))
        .onFailure(f -> {
          f.printStackTrace();
          System.exit(1);
        });
  }
}
