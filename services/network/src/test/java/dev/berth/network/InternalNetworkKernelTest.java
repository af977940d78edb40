package dev.berth.network;

import static dev.berth.network.BridgeNetworkKernelTest.address;
import static dev.berth.network.NetworkHarness.assertOk;
import static dev.berth.network.NetworkHarness.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.Attachment;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Internal networks on the real kernel, as Docker makes them: the container's interface has
 * only its subnet's route, so the host's other addresses (here the default bridge's gateway)
 * are out of reach, while the host's address on the internal bridge itself still answers.
 */
class InternalNetworkKernelTest {
  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();

  private Network closed;

  @BeforeEach
  void createInternalNetwork() {
    closed = h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder()
        .setName("closed").setSubnet("10.207.0.0/24").setInternal(true)).build()).getNetwork();
  }

  @Test
  void aContainerOnAnInternalNetworkHasNoDefaultRouteAndReachesOnlyItsSubnet() throws Exception {
    Attachment out = h.attach("out", "");
    Attachment inside = h.attach("inside", "closed");
    Network bridge = bridge();

    assertEquals(List.of("10.207.0.0/24 dev eth0 proto kernel scope link src " + address(inside)),
        routes(inside), "only the subnet's connected route");
    assertEquals(0, inside.getResult().getRoutesCount(), "no default route in the CNI result");
    assertEquals(closed.getGateway(), inside.getResult().getIps(0).getGateway(), "the gateway is still told");
    assertEquals("default via " + bridge.getGateway() + " dev eth0",
        in(out.getNetnsPath(), "ip", "route", "show", "default").output().strip(), "a normal network routes");

    assertOk(in(inside.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", closed.getGateway()),
        "the host's address on the internal bridge answers, as in Docker");
    assertFalse(in(inside.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "1", bridge.getGateway()).ok(),
        "another of the host's addresses is out of reach");
    assertFalse(in(inside.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "1", address(out)).ok(),
        "a container on another network is out of reach");
    // The embedded resolver as on any user-defined network, forwarding from the container's namespace only.
    String resolv = Files.readString(Path.of(inside.getFiles().getResolvConf()));
    assertTrue(resolv.startsWith(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\n"), resolv);
    assertTrue(resolv.contains("# ExtServers: [host(127.0.0.53) 192.0.2.53]\n"), resolv);

    h.detach("inside");
    h.detach("out");
    h.assertNothingLeft();
  }

  @Test
  void aNormalNetworkAttachedAfterAnInternalOneTakesTheDefaultRoute() throws Exception {
    Attachment inside = h.attach("multi", "closed");
    Attachment out = h.attach("multi", "");
    Network bridge = bridge();

    assertEquals("eth1", out.getInterfaceName());
    assertEquals(0, inside.getResult().getRoutesCount());
    assertEquals(1, out.getResult().getRoutesCount(), "the first normal network carries the default route");
    assertEquals(bridge.getGateway(), out.getResult().getRoutes(0).getGw());
    assertEquals("default via " + bridge.getGateway() + " dev eth1",
        in(out.getNetnsPath(), "ip", "route", "show", "default").output().strip());

    h.detach("multi");
    h.assertNothingLeft();
  }

  private Network bridge() {
    return h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();
  }

  private static List<String> routes(Attachment a) {
    return Sh.lines(in(a.getNetnsPath(), "ip", "-4", "route", "show").output()).stream().map(String::strip).toList();
  }
}
