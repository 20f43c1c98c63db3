package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The periodic work the scheduler runs for instances and events, seen from outside: an instance whose action was
 * lost does not stay in its transitional state, and events older than {@code events.retention} are pruned.
 */
class ScheduledHousekeepingTest {

  static TestNode node;
  static Api api;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("scheduler.reconcile_interval", "1s", "events.retention", "3s",
        "scheduler.poll_interval", "50ms"));
    api = Fixtures.tenantApi(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anInstanceLeftStoppingByALostActionIsConvergedToStopped() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("stuck"));
    // What a node that died between accepting a stop and doing it leaves behind: the state, and nobody working on it.
    Futures.await(node.plane().pool().preparedQuery(
        "UPDATE instances SET state = 'stopping', updated_at = now() - interval '1 hour', version = version + 1"
            + " WHERE id = $1").execute(Tuple.of(id)));
    api.awaitState(id, "stopped", 20);
  }

  @Test
  void eventsOlderThanTheRetentionArePruned() {
    String id = Fixtures.runningNoop(api, Fixtures.uniqueName("retained"));
    assertTrue(events(id) > 0, "creating and starting the instance stored events");
    Poll.until(() -> events(id) == 0, 30, () -> "the instance's events pruned after 3s, " + events(id) + " left");
  }

  private static long events(String instanceId) {
    return Futures.await(node.plane().pool().preparedQuery("SELECT count(*) FROM events WHERE instance_id = $1")
        .execute(Tuple.of(instanceId))).iterator().next().getLong(0);
  }
}
