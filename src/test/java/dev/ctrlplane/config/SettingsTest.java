package dev.ctrlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @TempDir
  Path dir;

  @Test
  void defaultsComeFromTheShippedFile() {
    CtrlplaneConfig config = CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of()));
    assertEquals(8080, config.http().port());
    assertEquals("process", config.provider().defaultName());
    assertTrue(config.store().embedded());
    assertEquals(Duration.ofSeconds(10), config.provider().stopGrace());
    assertEquals(3, config.tenancy().quotaOf("free").maxInstances());
  }

  @Test
  void theDockerProviderIsOffByDefaultAndItsSettingsAreChecked() {
    CtrlplaneConfig defaults = CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of()));
    assertEquals(false, defaults.provider().docker().enabled());
    assertEquals("unix:///var/run/docker.sock", defaults.provider().docker().host());
    assertEquals(65536, defaults.provider().docker().ulimitNofile());
    CtrlplaneConfig docker = CtrlplaneConfig.from(Settings.load(null,
        Map.of("CTRLPLANE_PROVIDER_DOCKER_ENABLED", "true"),
        Map.of("provider.default", "docker", "provider.docker.host", "tcp://docker-host:2375")));
    assertEquals("docker", docker.provider().defaultName());
    assertEquals("tcp://docker-host:2375", docker.provider().docker().host());

    ConfigException notEnabled = assertThrows(ConfigException.class, () -> CtrlplaneConfig.from(
        Settings.load(null, Map.of(), Map.of("provider.default", "docker"))));
    assertTrue(notEnabled.getMessage().contains("provider.docker.enabled"), notEnabled.getMessage());
    ConfigException host = assertThrows(ConfigException.class, () -> CtrlplaneConfig.from(
        Settings.load(null, Map.of(), Map.of("provider.docker.host", "/var/run/docker.sock"))));
    assertTrue(host.getMessage().contains("provider.docker.host"), host.getMessage());
    ConfigException poll = assertThrows(ConfigException.class, () -> CtrlplaneConfig.from(
        Settings.load(null, Map.of(), Map.of("provider.docker.poll_interval", "0s"))));
    assertTrue(poll.getMessage().contains("provider.docker.poll_interval"), poll.getMessage());
  }

  @Test
  void fileThenEnvironmentThenSetWin() throws IOException {
    Path file = dir.resolve("ctrlplane.yaml");
    Files.writeString(file, "http:\n  port: 9000\n  host: 127.0.0.1\nlog:\n  level: WARN\n");
    Settings settings = Settings.load(file, Map.of("CTRLPLANE_HTTP_PORT", "9100", "CTRLPLANE_LOG_LEVEL", "DEBUG"),
        Map.of("http.port", "9200"));
    CtrlplaneConfig config = CtrlplaneConfig.from(settings);
    assertEquals(9200, config.http().port());
    assertEquals("127.0.0.1", config.http().host());
    assertEquals("DEBUG", config.logLevel());
  }

  @Test
  void environmentNamesFollowTheRule() {
    assertEquals("CTRLPLANE_HTTP_PORT", Settings.envName("http.port"));
    assertEquals("CTRLPLANE_PROVIDER_PROCESS_IMAGES_DIR", Settings.envName("provider.process.images_dir"));
    assertEquals("CTRLPLANE_AUTH_JWT_SECRET", Settings.envName("auth.jwt.secret"));
    CtrlplaneConfig config = CtrlplaneConfig.from(Settings.load(null,
        Map.of("CTRLPLANE_PROVIDER_PROCESS_IMAGES_DIR", "/srv/images", "CTRLPLANE_CLUSTER_MEMBERS", "a:1, b:2"),
        Map.of()));
    assertEquals(Path.of("/srv/images"), config.provider().imagesDir());
    assertEquals(java.util.List.of("a:1", "b:2"), config.cluster().members());
  }

  @Test
  void invalidValuesStopWithOneLineNamingTheKey() {
    assertMessage("invalid configuration: http.port = 'abc': expected an integer in 0..65535", "http.port", "abc");
    assertMessage("invalid configuration: provider.process.stop_grace = 'soon': expected a duration like 500ms, 30s, 5m or 1h",
        "provider.process.stop_grace", "soon");
    assertMessage("invalid configuration: cluster.enabled = 'maybe': expected true or false", "cluster.enabled", "maybe");
    ConfigException secret = assertThrows(ConfigException.class,
        () -> CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of("auth.jwt.secret", "short"))));
    assertTrue(secret.getMessage().startsWith("invalid configuration: auth.jwt.secret"));
    assertTrue(!secret.getMessage().contains("short"), "the secret itself is never echoed");
    ConfigException url = assertThrows(ConfigException.class,
        () -> CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of("store.url", "mysql://x"))));
    assertTrue(url.getMessage().startsWith("invalid configuration: store.url"));
  }

  @Test
  void unknownKeysAreRefusedButNewPlansAreWelcome() {
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> Settings.load(null, Map.of(), Map.of("http.prot", "1")));
    assertEquals("invalid configuration: unknown key http.prot (from --set)", unknown.getMessage());
    CtrlplaneConfig config = CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of(
        "quota.plans.startup.max_instances", "7", "quota.plans.startup.max_cpu_millis", "1",
        "quota.plans.startup.max_memory_mb", "1", "quota.plans.startup.max_domains", "1",
        "quota.plans.startup.max_secrets", "1")));
    assertEquals(7, config.tenancy().quotaOf("startup").maxInstances());
  }

  @Test
  void malformedYamlIsOneLine() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http: [unclosed\n");
    ConfigException bad = assertThrows(ConfigException.class, () -> Settings.load(file, Map.of(), Map.of()));
    assertTrue(bad.getMessage().startsWith("invalid configuration: cannot parse " + file));
    assertEquals(1, bad.getMessage().lines().count());
  }

  @Test
  void durationsParseAndPrint() {
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m").orElseThrow());
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms").orElseThrow());
    assertEquals(Duration.ofMillis(1500), Durations.parse("1500").orElseThrow());
    assertTrue(Durations.parse("30x").isEmpty());
    assertTrue(Durations.parse("s").isEmpty());
    assertTrue(Durations.parse("-5s").isEmpty());
    assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("0s", Durations.format(Duration.ZERO));
  }

  private static void assertMessage(String expected, String key, String value) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> CtrlplaneConfig.from(Settings.load(null, Map.of(), Map.of(key, value))));
    assertEquals(expected, e.getMessage());
  }
}
