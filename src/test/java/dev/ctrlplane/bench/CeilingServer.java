package dev.ctrlplane.bench;

import dev.ctrlplane.store.StorePool;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of {@code scripts/bench.sh}: the least a server can do for the same two database operations as the API.
 * A plain Vert.x HTTP server and the same pool ({@link StorePool}: size, statement cache, pipelining) on the same
 * PostgreSQL, with as many server instances as ctrlplane has event loops, and nothing else: no auth, no bus, no
 * validation, no metrics.
 * <ul>
 *   <li>{@code GET /read/:id}: one {@code SELECT * ... WHERE id = $1} on {@code bench_ceiling}, the row as JSON.</li>
 *   <li>{@code POST /insert}: one autocommit {@code INSERT} of a full-width row (name from the JSON body).</li>
 *   <li>{@code POST /checkpoint}: a PostgreSQL {@code CHECKPOINT}, which the bench runs before each write load.</li>
 * </ul>
 * {@code bench_ceiling} is {@code LIKE instances INCLUDING ALL} (same columns, defaults and indexes), filled with
 * copies of the seeded instances, so a read returns a row of the same width as the API's.
 *
 * <p>Usage: {@code CeilingServer <store-url> <port> <pool-size> <ids-file>}; prints {@code ceiling listening} when
 * ready.
 */
public final class CeilingServer extends VerticleBase {

  private static final String SETUP = """
      DROP TABLE IF EXISTS bench_ceiling;
      CREATE TABLE bench_ceiling (LIKE instances INCLUDING ALL)""";
  private static final String COPY = "INSERT INTO bench_ceiling SELECT * FROM instances WHERE id = ANY($1)";
  private static final String READ = "SELECT * FROM bench_ceiling WHERE id = $1";
  private static final String INSERT = """
      INSERT INTO bench_ceiling (id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, state,
        status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, current_release_id,
        version, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $21)""";

  private final Pool pool;
  private final int port;

  private CeilingServer(Pool pool, int port) {
    this.pool = pool;
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int port = Integer.parseInt(args[1]);
    int poolSize = Integer.parseInt(args[2]);
    List<String> ids = Files.readAllLines(Path.of(args[3])).stream()
        .filter(line -> !line.isBlank()).map(line -> line.split(" ")[0]).toList();
    Vertx vertx = Vertx.vertx();
    Pool pool = StorePool.create(vertx, url, poolSize);
    pool.query(SETUP).execute()
        .compose(created -> pool.preparedQuery(COPY).execute(Tuple.of(ids.toArray(String[]::new))))
        .compose(copied -> {
          System.out.println("ceiling table seeded with " + copied.rowCount() + " rows");
          return vertx.deployVerticle(() -> new CeilingServer(pool, port),
              new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
        })
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    System.out.println("ceiling listening on 127.0.0.1:" + port);
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (path.startsWith("/read/")) {
      read(request, path.substring("/read/".length()));
    } else if (path.equals("/insert")) {
      request.body().onSuccess(body -> insert(request, body));
    } else if (path.equals("/checkpoint")) {
      checkpoint(request);
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void read(HttpServerRequest request, String id) {
    pool.preparedQuery(READ).execute(Tuple.of(id)).onComplete(done -> {
      if (done.failed()) {
        request.response().setStatusCode(500).end();
      } else if (done.result().size() == 0) {
        request.response().setStatusCode(404).end();
      } else {
        Row row = done.result().iterator().next();
        request.response().putHeader("Content-Type", "application/json").end(row.toJson().toBuffer());
      }
    });
  }

  /** Writes every dirty page out, so that the next load does not pay for the last one's writes. */
  private void checkpoint(HttpServerRequest request) {
    pool.query("CHECKPOINT").execute().onComplete(done -> request.response()
        .setStatusCode(done.succeeded() ? 204 : 500).end(done.succeeded() ? "" : done.cause().getMessage()));
  }

  private void insert(HttpServerRequest request, Buffer body) {
    JsonObject sent = body.toJsonObject();
    String id = "inst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 26);
    String name = sent.getString("name");
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Tuple row = Tuple.from(new Object[] {
        id, "ten_ceiling", name, name.toLowerCase(), sent.getString("image"), sent.getString("provider_name"), null,
        "", "ceiling", "provisioning", null, 500, 256, 1024, 1, new JsonArray(), new JsonObject(), new JsonObject(),
        new JsonArray(), "rel_" + id.substring(5), now});
    pool.preparedQuery(INSERT).execute(row).onComplete(done -> {
      if (done.failed()) {
        request.response().setStatusCode(500).end(done.cause().getMessage());
      } else {
        request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("id", id).toBuffer());
      }
    });
  }
}
