package dev.ctrlplane.provider.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's formats the provider reads and writes: log frames, image references, engine addresses. */
class EngineFormatsTest {

  private static Buffer frame(int stream, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendByte((byte) stream).appendBytes(new byte[3]).appendInt(bytes.length).appendBytes(bytes);
  }

  @Test
  void multiplexedFramesBecomeLinesPerStreamEvenWhenALineSpansFrames() {
    Buffer stream = Buffer.buffer()
        .appendBuffer(frame(1, "2026-01-02T03:04:05.123456789Z hello\n2026-01-02T03:04:06Z wor"))
        .appendBuffer(frame(2, "2026-01-02T03:04:07Z oops\n"))
        .appendBuffer(frame(1, "ld\n"))
        .appendBuffer(frame(1, "no newline at the end"));
    List<LogDemux.Line> lines = LogDemux.lines(stream);
    assertEquals(List.of(
        new LogDemux.Line("stdout", Instant.parse("2026-01-02T03:04:05.123456789Z"), "hello"),
        new LogDemux.Line("stderr", Instant.parse("2026-01-02T03:04:07Z"), "oops"),
        new LogDemux.Line("stdout", Instant.parse("2026-01-02T03:04:06Z"), "world"),
        new LogDemux.Line("stdout", null, "no newline at the end")), lines);
    assertEquals("oops", LogDemux.lastStderrLine(stream, 300));
  }

  @Test
  void aRawStreamIsStdout() {
    List<LogDemux.Line> lines = LogDemux.lines(Buffer.buffer("plain tty output\nsecond\n"));
    assertEquals(2, lines.size());
    assertTrue(lines.stream().allMatch(l -> l.stream().equals("stdout")));
    assertEquals("", LogDemux.lastStderrLine(Buffer.buffer("x\n"), 300));
  }

  @Test
  void imageReferencesSplitIntoRepositoryAndTagAndBadOnesAreBadRequests() {
    assertEquals(new ImageRef("nginx", "latest"), ImageRef.parse("nginx"));
    assertEquals(new ImageRef("nginx", "1.27"), ImageRef.parse("nginx:1.27"));
    assertEquals(new ImageRef("registry:5000/team/app", "v2"), ImageRef.parse("registry:5000/team/app:v2"));
    assertEquals(new ImageRef("localhost:5000/app", "latest"), ImageRef.parse("localhost:5000/app"));
    String digest = "app@sha256:" + "a".repeat(64);
    assertEquals(new ImageRef(digest, null), ImageRef.parse(digest));
    for (String bad : new String[] {"", "Upper:1", "a b", "app:", "-app", "app:bad tag", "a//b"}) {
      ProviderException e = assertThrows(ProviderException.class, () -> ImageRef.parse(bad), bad);
      assertTrue(e.isBadRequest(), bad);
    }
  }

  @Test
  void engineAddressesAreUnixSocketsOrTcpPorts() {
    EngineAddress unix = EngineAddress.parse("unix:///var/run/docker.sock");
    assertEquals("/var/run/docker.sock", unix.socketPath());
    EngineAddress tcp = EngineAddress.parse("tcp://docker-host:2375");
    assertTrue(tcp.isTcp());
    assertEquals("docker-host", tcp.host());
    assertEquals(2375, tcp.port());
    for (String bad : new String[] {"unix://relative.sock", "tcp://host", "tcp://host:0", "ftp://x:1", "docker.sock"}) {
      assertThrows(IllegalArgumentException.class, () -> EngineAddress.parse(bad), bad);
    }
  }

  @Test
  void theEndpointHostIsTheAdvertisedOneOrTheBindAddressOrTheRemoteEngine() {
    DockerConfig local = DockerConfig.defaults(DockerConfig.DEFAULT_HOST, "n", java.nio.file.Path.of("/tmp/x"));
    assertEquals("127.0.0.1", local.endpointHost());
    DockerConfig remote = DockerConfig.defaults("tcp://10.0.0.9:2375", "n", java.nio.file.Path.of("/tmp/x"));
    assertEquals("10.0.0.9", remote.endpointHost());
  }
}
