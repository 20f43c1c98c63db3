package dev.ctrlplane.provider.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.ProviderException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The provider's small parts, without processes. */
class ProcessPartsTest {

  @Test
  void procStatSkipsACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 ...";
    assertEquals(new ProcStat(4242, 'S', 4242, 987654), ProcStat.parse(4242, stat));
    assertFalse(new ProcStat(1, 'Z', 1, 1).isRunning());
    ProcStat self = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
    assertTrue(ProcStat.isRunning(self.pid(), self.startTicks()));
    assertFalse(ProcStat.isRunning(self.pid(), self.startTicks() + 1));
  }

  @Test
  void imagesResolveUnderTheImagesDirOnly() {
    ImageResolver images = new ImageResolver(Path.of("imgs"));
    assertEquals(Path.of("imgs/hello/1.0/run"), images.path("hello:1.0"));
    assertEquals(Path.of("imgs/hello/latest/run"), images.path("hello"));
    assertEquals(Path.of("imgs/my_app-2/v1.2.3-rc_1/run"), images.path("my_app-2:v1.2.3-rc_1"));
    for (String bad : List.of("../x", "x:..", "x:a..b", "/etc:passwd", "x/y:1", ".x:1", "x:.1", "x:1:2", "x y", "x:")) {
      ProviderException e = assertThrows(ProviderException.class, () -> images.path(bad), bad);
      assertTrue(e.isBadRequest());
    }
    assertThrows(ProviderException.class, () -> ImageResolver.checkInstanceId("../etc"));
    assertEquals("3f1c-Ab_9", ImageResolver.checkInstanceId("3f1c-Ab_9"));
  }

  @Test
  void portsAreNeverHandedOutTwiceWhileReserved() {
    PortAllocator ports = new PortAllocator("127.0.0.1");
    Set<Integer> handedOut = new HashSet<>();
    IntStream.range(0, 200).forEach(i -> assertTrue(handedOut.add(ports.allocate())));
    int port = handedOut.iterator().next();
    assertEquals(port, ports.renew(port));
  }

  @Test
  void backoffDoublesFromTheMinimumUpToTheMaximum() {
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofSeconds(30);
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L),
        IntStream.of(1, 2, 3, 4, 5, 6, 100).mapToObj(n -> Supervisor.backoff(n, min, max).toSeconds()).toList());
    assertEquals("30s", Durations.format(max));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
  }
}
