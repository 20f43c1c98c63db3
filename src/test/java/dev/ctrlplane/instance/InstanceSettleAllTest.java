package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.store.StorePool;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runtime's grouped settle statement against the real table: one UPDATE for many instances, still
 * compare-and-set per instance, writing only what a settle changes and bumping each version once.
 */
class InstanceSettleAllTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static Vertx vertx;
  static Pool pool;
  static InstanceStore store;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    pool = StorePool.create(vertx, node.node().storeUrl(), 2);
    store = new InstanceStore(pool);
  }

  @AfterAll
  static void disconnect() {
    Futures.await(vertx.close());
  }

  @Test
  void writesTheInstancesStillAtTheirVersionAndLeavesTheOthers() {
    Api api = node.tenantApi();
    Instance current = stored(Fixtures.stoppedNoop(api, "Settle Current"));
    Instance stale = stored(Fixtures.stoppedNoop(api, "Settle Stale"));
    api.patch("/v1/instances/" + stale.id(), new io.vertx.core.json.JsonObject().put("name", "Settle Moved"))
        .expect(200);

    Instance failed = InstanceChanges.settled(current, InstanceState.FAILED, null, "replica crashed");
    Instance staleFailed = InstanceChanges.settled(stale, InstanceState.FAILED, null, "replica crashed");
    Map<String, Instance> written = Futures.await(store.settleAll(pool, List.of(failed, staleFailed)));

    assertEquals(List.of(current.id()), List.copyOf(written.keySet()));
    Instance reread = stored(current.id());
    assertEquals(InstanceState.FAILED, reread.state());
    assertEquals("replica crashed", reread.statusMessage());
    assertEquals(current.version() + 1, reread.version());
    assertEquals(reread.version(), written.get(current.id()).version());
    assertEquals(reread.updatedAt(), written.get(current.id()).updatedAt());
    assertEquals(reread.toJson(), written.get(current.id()).toJson(), "what the group reports is what is stored");
    Instance untouched = stored(stale.id());
    assertEquals(InstanceState.STOPPED, untouched.state(), "a stale version is not written");
    assertEquals("Settle Moved", untouched.name());
  }

  @Test
  void writesEndpointsAndProviderRefOfARunningSettle() {
    Instance stopped = stored(Fixtures.stoppedNoop(node.tenantApi(), "Settle Endpoints"));
    Instance.Edit running = stopped.edit();
    running.state = InstanceState.RUNNING;
    running.providerRef = "noop:ref";
    running.endpoints = List.of(new Endpoint("http://127.0.0.1:1234", 1234, "http", false));

    Futures.await(store.settleAll(pool, List.of(running.done())));

    Instance reread = stored(stopped.id());
    assertEquals(InstanceState.RUNNING, reread.state());
    assertEquals("noop:ref", reread.providerRef());
    assertEquals(running.done().endpoints(), reread.endpoints());
    assertEquals(stopped.env(), reread.env());
    assertEquals(stopped.labels(), reread.labels());
  }

  private static Instance stored(String id) {
    return Futures.await(store.find(id)).orElseThrow();
  }
}
