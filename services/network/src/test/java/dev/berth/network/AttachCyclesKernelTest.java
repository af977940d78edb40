package dev.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many attach/detach cycles leave nothing behind: no veth, address, rule, pin, lease or descriptor. */
class AttachCyclesKernelTest {
  static final int CYCLES = 200;

  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();

  @Test
  void attachDetachCyclesLeaveNothingBehind() throws Exception {
    // One warm-up cycle creates the bridge and loads what the JVM loads once.
    h.attach("warmup", "", "0:80");
    h.detach("warmup");
    long descriptors = openDescriptors();
    for (int i = 0; i < CYCLES; i++) {
      Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("c" + i).addPortSpecs("0:80").build());
      assertTrue(a.getPortMappings(0).getHostPort() > 0);
      h.detach("c" + i);
    }
    h.assertNothingLeft();
    Network bridge = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();
    List<String> addresses = Sh.lines(h.onHost("ip", "-o", "-4", "addr", "show", "dev", h.bridge).output());
    assertEquals(1, addresses.size(), addresses.toString());
    assertTrue(addresses.get(0).contains(bridge.getGateway() + "/16"), addresses.get(0));
    assertEquals(List.of(), Sh.lines(h.onHost("ip", "-o", "link", "show", "master", h.bridge).output()));
    assertTrue(openDescriptors() <= descriptors + 2, "descriptors: " + descriptors + " -> " + openDescriptors());
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
