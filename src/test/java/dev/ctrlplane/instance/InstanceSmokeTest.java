package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InstanceSmokeTest {

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  static Api api;

  @BeforeAll
  static void aTenant() {
    api = node.tenantApi();
  }

  @Test
  void createThenWaitForRunningThenStop() {
    String id = api.post("/v1/instances", Fixtures.noopInstance("smoke")).expect(201).id();
    JsonObject started = api.awaitState(id, "running", 30);
    assertEquals("smoke", started.getString("slug"));
    JsonObject stopped = api.post("/v1/instances/" + id + "/stop?wait=10s").expect(200).json();
    assertEquals("stopped", stopped.getString("state"));
  }
}
