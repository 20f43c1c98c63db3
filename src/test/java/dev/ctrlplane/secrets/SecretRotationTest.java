package dev.ctrlplane.secrets;

import static dev.ctrlplane.admin.AdminFixtures.count;
import static dev.ctrlplane.secrets.ReplicaHttp.endpoints;
import static dev.ctrlplane.secrets.ReplicaHttp.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.CliRun;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key rotation as an operator does it: the nodes restart with the new key in {@code secrets.key} and the old one in
 * {@code secrets.previous_keys} (old values still readable), {@code ctrlplane secrets rotate} re-seals every value
 * while a node keeps serving and setting values, and then the old key can go.
 */
class SecretRotationTest {

  private static final String OLD = KeyRing.generateBase64();
  private static final String NEW = KeyRing.generateBase64();
  private static final Pattern COUNTS = Pattern.compile("rotated (\\d+), already current (\\d+), failed (\\d+)");

  private final String storeUrl = TestDatabase.freshDatabase();
  private final Path dataDir = TestNode.tempDir();
  private final String nodeName = "rotation-" + UUID.randomUUID().toString().substring(0, 8);
  /** The last value set for each secret, by instance id and key. */
  private final Map<String, String> expected = new ConcurrentHashMap<>();
  private TestNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      NodeExtension.cleanUpAndClose(node);
    }
  }

  private void startNode(String key, String previous) {
    if (node != null) {
      node.close();
    }
    node = TestNode.start(storeUrl, dataDir, Map.of("node.name", nodeName, "secrets.key", key,
        "secrets.previous_keys", previous));
  }

  private void set(Api user, String instanceId, String key, String value, int status) {
    user.post("/v1/instances/" + instanceId + "/secrets", SecretsApiTest.secret(key, value, "env")).expect(status);
    expected.put(instanceId + "/" + key, value);
  }

  private CliRun.Result rotate(String... more) {
    List<String> args = new ArrayList<>(List.of("secrets", "rotate", "--set", "store.url=" + storeUrl,
        "--set", "data.dir=" + dataDir, "--set", "secrets.key=" + NEW, "--set", "secrets.previous_keys=" + OLD));
    args.addAll(List.of(more));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static long[] counts(CliRun.Result result) {
    Matcher m = COUNTS.matcher(result.out());
    assertTrue(m.find(), () -> "exit " + result.exit() + ", out: " + result.out() + ", err: " + result.err());
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
  }

  @Test
  void rotateReSealsEveryValueWhileTheNodeServesAndTheOldKeyCanThenGo() throws Exception {
    startNode(OLD, "");
    Api user = node.api(node.token(Fixtures.tenant(node), "alice"));
    List<String> instances = List.of(Fixtures.runningNoop(user, "a"), Fixtures.runningNoop(user, "b"));
    String web = user.post("/v1/instances", Fixtures.processInstance("web", "hello:1.0", Map.of())).expect(201).id();
    user.awaitState(web, "running", 30);
    for (int i = 0; i < 200; i++) {
      set(user, instances.get(i % 2), "KEY_" + i, "old-" + UUID.randomUUID(), 201);
    }
    set(user, web, "SHOWN", "old-shown", 201);

    startNode(NEW, OLD);
    Api serving = node.api(node.token(tenantOf(instances.get(0)), "alice"));
    JsonObject restarted = serving.post("/v1/instances/" + web + "/restart?wait=30s").expect(200).json();
    assertEquals(Optional.of("old-shown"), env(endpoints(restarted).get(0), "SHOWN"), "the old key still opens");

    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      Future<CliRun.Result> rotation = background.submit(() -> rotate("--batch-size", "3"));
      // the node keeps serving: new versions and new keys while the rotation runs, up to its end
      for (int i = 0; !rotation.isDone() || i < 10; i++) {
        set(serving, instances.get(i % 2), "KEY_" + (i * 7 % 200), "new-" + UUID.randomUUID(), 200);
        if (i % 5 == 0) {
          set(serving, instances.get(i % 2), "ADDED_" + i, "added-" + UUID.randomUUID(), 201);
        }
        if (i > 2000) {
          throw new AssertionError("the rotation did not finish");
        }
      }
      CliRun.Result result = rotation.get(60, TimeUnit.SECONDS);
      assertEquals(0, result.exit(), result::err);
      long[] counts = counts(result);
      long total = count(node, "SELECT count(*) FROM secrets");
      assertTrue(counts[0] > 0 && counts[0] <= 201, "at most the values the old key sealed: " + result.out());
      // values set after the rotation's end are neither
      assertTrue(counts[0] + counts[1] <= total, "each value counted once: " + result.out());
      assertEquals(0, counts[2]);
      assertFalse(result.out().contains(OLD) || result.out().contains(NEW) || result.err().contains(OLD)
          || result.err().contains(NEW), "rotate never prints a key");
    } finally {
      background.shutdownNow();
    }
    String newId = KeyRing.keyIdOf(KeyRing.decode(NEW));
    assertEquals(0, count(node, "SELECT count(*) FROM secrets WHERE key_id <> $1", newId));
    assertEveryValueOpensWithOnly(NEW);

    long[] again = counts(rotate());
    assertEquals(0, again[0], "a second run has nothing left to do");
    assertEquals(count(node, "SELECT count(*) FROM secrets"), again[1]);

    startNode(NEW, "");
    serving = node.api(node.token(tenantOf(web), "alice"));
    assertEquals(Optional.of("old-shown"), env(endpoints(serving.post("/v1/instances/" + web + "/restart?wait=30s")
        .expect(200).json()).get(0), "SHOWN"), "readable with the new key alone");
    set(serving, web, "SHOWN", "newest", 200);
    assertEveryValueOpensWithOnly(NEW);
  }

  @Test
  void aLimitedRunLeavesTheRestForTheNextAsACrashWouldAndUnreadableValuesAreCounted() {
    startNode(OLD, "");
    Api user = node.api(node.token(Fixtures.tenant(node), "alice"));
    String id = Fixtures.runningNoop(user, "a");
    for (int i = 0; i < 25; i++) {
      set(user, id, "KEY_" + i, "v-" + UUID.randomUUID(), 201);
    }
    startNode(NEW, OLD);

    CliRun.Result first = rotate("--limit", "10", "--batch-size", "4");
    assertEquals(0, first.exit(), first::err);
    assertTrue(first.out().startsWith("rotated 10, already current 0, failed 0; 15 still sealed with an older key"),
        first.out());
    String oldId = KeyRing.keyIdOf(KeyRing.decode(OLD));
    assertEquals(15, count(node, "SELECT count(*) FROM secrets WHERE key_id = $1", oldId));

    Futures.await(node.plane().pool().preparedQuery("""
        UPDATE secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)
        WHERE instance_id = $1 AND key = 'KEY_24'""").execute(Tuple.of(id)));
    CliRun.Result second = rotate();
    assertEquals(1, second.exit(), "a value no key opens fails the run: " + second.out());
    assertEquals("rotated 14, already current 10, failed 1", second.out().trim());
    assertTrue(second.err().contains("KEY_24") && second.err().contains("not authentic"), second.err());
    assertEquals(1, count(node, "SELECT count(*) FROM secrets WHERE key_id = $1", oldId), "the bad one is left alone");
    expected.remove(id + "/KEY_24");
    assertEveryValueOpensWithOnly(NEW);
  }

  @Test
  void aReSealNeverOverwritesAValueSetAfterItWasRead() {
    startNode(OLD, "");
    Api user = node.api(node.token(Fixtures.tenant(node), "alice"));
    String id = Fixtures.runningNoop(user, "a");
    set(user, id, "RACED", "before", 201);
    set(user, id, "CALM", "calm", 201);
    startNode(NEW, OLD);
    Api serving = node.api(node.token(tenantOf(id), "alice"));

    SecretStore store = new SecretStore(node.plane().pool());
    KeyRing ring = KeyRing.fromBase64(NEW, List.of(OLD));
    List<StoredSecret> read = Futures.await(store.notSealedWith(ring.currentKeyId(), "", 10));
    assertEquals(2, read.size());
    set(serving, id, "RACED", "after", 200); // a serving node's set between the rotation's read and its write
    List<Sealed> resealed = read.stream()
        .map(s -> ring.seal(ring.open(s.sealed(), s.associatedData()), s.associatedData())).toList();
    List<Boolean> written = Futures.await(store.reseal(read, resealed));
    for (int i = 0; i < read.size(); i++) {
      assertEquals(!read.get(i).meta().key().equals("RACED"), written.get(i), read.get(i).meta().key());
    }
    assertEveryValueOpensWithOnly(NEW); // RACED is "after", sealed by the serving node; CALM was re-sealed
  }

  private String tenantOf(String instanceId) {
    return node.api(node.adminToken()).get("/v1/instances/" + instanceId).expect(200).json().getString("tenant_id");
  }

  /** Every stored value opens with {@code key} alone and is the last value set for it. */
  private void assertEveryValueOpensWithOnly(String key) {
    KeyRing only = KeyRing.fromBase64(key, List.of());
    SecretStore store = new SecretStore(node.plane().pool());
    List<String> instanceIds = expected.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().toList();
    int checked = 0;
    for (String instanceId : instanceIds) {
      for (StoredSecret secret : Futures.await(store.sealedOf(instanceId))) {
        String name = instanceId + "/" + secret.meta().key();
        if (!expected.containsKey(name)) {
          continue; // a value this test made unreadable on purpose
        }
        byte[] value = only.open(secret.sealed(), secret.associatedData());
        assertEquals(expected.get(name), new String(value, StandardCharsets.UTF_8), name);
        checked++;
      }
    }
    assertEquals(expected.size(), checked, "every value set is stored");
  }
}
