package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Two nodes starting at once apply each migration once; a second run applies nothing; no script is forgotten. */
class MigrationsTest {

  /** The runner applies the scripts it lists: a file added to the folder but not to the list would never run. */
  @Test
  void everyScriptInTheFolderIsListedInVersionOrder() throws IOException, URISyntaxException {
    Path folder = Path.of(Migrations.class.getResource("/db/migration/V001__foundation.sql").toURI()).getParent();
    try (Stream<Path> files = Files.list(folder)) {
      List<String> found = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
      assertEquals(found, Migrations.SCRIPTS);
    }
  }

  @Test
  void concurrentStartsApplyEachScriptOnce() {
    String url = TestDatabase.freshDatabase();
    Vertx vertx = Vertx.vertx();
    try {
      Pool a = StorePool.create(vertx, url, 2);
      Pool b = StorePool.create(vertx, url, 2);
      Future<Integer> first = new Migrations(a).migrate();
      Future<Integer> second = new Migrations(b).migrate();
      Futures.await(Future.all(first, second));
      assertEquals(Migrations.scriptCount(), first.result() + second.result(), "each script applied exactly once");
      assertEquals(0, Futures.await(new Migrations(a).migrate()));
      assertEquals(Migrations.latestVersion(), Futures.await(new Migrations(a).currentVersion()));
      long rows = Futures.await(a.query("SELECT count(*) AS n FROM schema_migrations").execute())
          .iterator().next().getLong("n");
      assertEquals(Migrations.scriptCount(), rows);
    } finally {
      Futures.await(vertx.close());
    }
  }
}
