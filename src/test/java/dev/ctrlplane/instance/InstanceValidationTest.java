package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad request bodies (SPEC §1): each is a 400 whose message names the field, and nothing is created or changed.
 * Bodies are written with ' for " to keep them readable.
 */
class InstanceValidationTest {

  static final String NAME = "'name':'valid name'";
  static final String IMAGE = "'image':'hello:1.0'";
  static final String NOOP = "'provider_name':'noop'";
  static final String VALID = NAME + "," + IMAGE + "," + NOOP;

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();
  Api api;

  @BeforeEach
  void tenant() {
    api = node.tenantApi();
  }

  @ParameterizedTest(name = "{0} -> 400 {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'name': 'x',                                          | body",
      "not json at all                                        | body",
      "[]                                                     | body",
      "[{" + VALID + "}]                                      | body",
      "'just a string'                                        | body",
      "42                                                     | body",
      "null                                                   | body",
      "{}                                                     | name",
      "{" + IMAGE + "," + NOOP + "}                           | name",
      "{" + NAME + "," + NOOP + "}                            | image",
      "{'name':5," + IMAGE + "," + NOOP + "}                  | name",
      "{'name':''," + IMAGE + "," + NOOP + "}                 | name",
      "{'name':'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'," + IMAGE + "," + NOOP + "} | name",
      "{'name':' leading space'," + IMAGE + "," + NOOP + "}   | name",
      "{'name':['a']," + IMAGE + "," + NOOP + "}              | name",
      "{" + NAME + ",'image':5," + NOOP + "}                  | image",
      "{" + NAME + ",'image':''," + NOOP + "}                 | image",
      "{" + NAME + ",'image':'no spaces please'," + NOOP + "} | image",
      "{" + VALID + ",'resources':'big'}                      | resources",
      "{" + VALID + ",'resources':{'replicas':'2'}}           | resources.replicas",
      "{" + VALID + ",'resources':{'replicas':1.5}}           | resources.replicas",
      "{" + VALID + ",'resources':{'replicas':true}}          | resources.replicas",
      "{" + VALID + ",'resources':{'replicas':0}}             | resources.replicas",
      "{" + VALID + ",'resources':{'replicas':21}}            | resources.replicas",
      "{" + VALID + ",'resources':{'replicas':1e20}}          | resources.replicas",
      "{" + VALID + ",'resources':{'cpu_millis':0}}           | resources.cpu_millis",
      "{" + VALID + ",'resources':{'cpu_millis':64001}}       | resources.cpu_millis",
      "{" + VALID + ",'resources':{'memory_mb':15}}           | resources.memory_mb",
      "{" + VALID + ",'resources':{'memory_mb':262145}}       | resources.memory_mb",
      "{" + VALID + ",'ports':'80'}                           | ports",
      "{" + VALID + ",'ports':[80]}                           | ports[0]",
      "{" + VALID + ",'ports':[{}]}                           | ports[0].container_port",
      "{" + VALID + ",'ports':[{'container_port':0}]}         | ports[0].container_port",
      "{" + VALID + ",'ports':[{'container_port':70000}]}     | ports[0].container_port",
      "{" + VALID + ",'ports':[{'container_port':'80'}]}      | ports[0].container_port",
      "{" + VALID + ",'ports':[{'container_port':80,'protocol':'sctp'}]} | ports[0].protocol",
      "{" + VALID + ",'env':[]}                               | env",
      "{" + VALID + ",'env':{'A':1}}                          | env.A",
      "{" + VALID + ",'env':{'1BAD':'x'}}                     | env.1BAD",
      "{" + VALID + ",'labels':'team=core'}                   | labels",
      "{" + VALID + ",'labels':{'k':true}}                    | labels.k",
      "{" + VALID + ",'labels':{'bad key!':'v'}}              | labels.bad key!",
      "{" + NAME + "," + IMAGE + ",'provider_name':3}         | provider_name",
      "{" + NAME + "," + IMAGE + ",'provider_name':'nope'}    | provider_name",
      "{" + VALID + ",'region':5}                             | region",
      "{" + VALID + ",'tenant_id':5}                          | tenant_id",
  })
  void badCreateIs400NamingTheFieldAndCreatesNothing(String body, String field) {
    Api.Response refused = api.send("POST", "/v1/instances", body.replace('\'', '"')).expectError(400, "invalid_argument");

    assertTrue(refused.json().getString("message").startsWith(field + ":"), refused::body);
    assertEquals(0, api.get("/v1/instances").expect(200).json().getLong("total"));
  }

  @Test
  void emptyBodyIs400() {
    api.send("POST", "/v1/instances", "").expectError(400, "invalid_argument");
    api.post("/v1/instances").expectError(400, "invalid_argument");
    assertEquals(0, api.get("/v1/instances").expect(200).json().getLong("total"));
  }

  @Test
  void unknownFieldsAreIgnored() {
    JsonObject created = api.post("/v1/instances", Fixtures.noopInstance("Unknowns")
        .put("colour", "blue")
        .put("resources", new JsonObject().put("replicas", 2).put("gpus", 4))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 80).put("tls", true))))
        .expect(201).json();

    assertFalse(created.containsKey("colour"));
    assertFalse(created.getJsonObject("resources").containsKey("gpus"));
    assertEquals(2, created.getJsonObject("resources").getInteger("replicas"));
    assertFalse(created.getJsonArray("ports").getJsonObject(0).containsKey("tls"));
  }

  @Test
  void integralNumbersWrittenWithAFractionAreIntegers() {
    JsonObject created = api.send("POST", "/v1/instances",
        "{\"name\":\"Two\",\"image\":\"hello:1.0\",\"provider_name\":\"noop\",\"resources\":{\"replicas\":2.0}}")
        .expect(201).json();
    assertEquals(2, created.getJsonObject("resources").getInteger("replicas"));
  }

  @ParameterizedTest(name = "scale {0} -> 400 {1}")
  @CsvSource(delimiter = '|', value = {
      "{}                               | resources",
      "{'resources':null}               | resources",
      "{'resources':[]}                 | resources",
      "{'resources':{'replicas':0}}     | resources.replicas",
      "{'resources':{'replicas':'3'}}   | resources.replicas",
      "{'resources':{'memory_mb':8}}    | resources.memory_mb",
  })
  void badScaleIs400AndChangesNothing(String body, String field) {
    String id = Fixtures.runningNoop(api, "Scale Me");
    JsonObject before = api.get("/v1/instances/" + id).expect(200).json();

    Api.Response refused = api.send("POST", "/v1/instances/" + id + "/scale", body.replace('\'', '"'))
        .expectError(400, "invalid_argument");

    assertTrue(refused.json().getString("message").startsWith(field + ":"), refused::body);
    assertEquals(before, api.get("/v1/instances/" + id).expect(200).json());
  }

  @Test
  void badSuspendReasonIs400AndChangesNothing() {
    String id = Fixtures.runningNoop(api, "Suspend Me");
    JsonObject before = api.get("/v1/instances/" + id).expect(200).json();

    api.post("/v1/instances/" + id + "/suspend", new JsonObject().put("reason", 5)).expectError(400, "invalid_argument");
    api.send("POST", "/v1/instances/" + id + "/suspend", "{oops").expectError(400, "invalid_argument");

    assertEquals(before, api.get("/v1/instances/" + id).expect(200).json());
  }
}
