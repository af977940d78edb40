package dev.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Network;
import berth.network.v1.PortMapping;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad requests get a clear status and change nothing, in the store or the kernel. */
class BadInputKernelTest {
  @TempDir Path dir;
  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();

  @Test
  void overlappingSubnetsAreRefused() {
    create(Network.newBuilder().setName("first").setSubnet("10.150.0.0/16"));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> create(Network.newBuilder().setName("second")
        .setSubnet("10.150.128.0/17")));
    String defaultSubnet = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork()
        .getSubnet();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> create(Network.newBuilder().setName("third")
        .setSubnet(defaultSubnet)));
    assertEquals(2, h.networks.list(ListNetworksRequest.getDefaultInstance()).getNetworksCount());
  }

  @Test
  void aBridgeAnotherNetworkHasIsRefusedInDockersWords() {
    Network first = create(Network.newBuilder().setName("first").setSubnet("10.151.0.0/24").setBridge("brtaken"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> create(Network.newBuilder().setName("second").setSubnet("10.152.0.0/24").setBridge("brtaken")));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().matches("cannot create network [0-9a-f]{64} \\(brtaken\\): conflicts with "
        + "network " + first.getId() + " \\(brtaken\\): networks have same bridge name"), e.getStatus()::toString);
    assertEquals(2, h.networks.list(ListNetworksRequest.getDefaultInstance()).getNetworksCount());
  }

  @Test
  void badNetworksAreRefused() {
    assertCode(Status.Code.ALREADY_EXISTS, () -> create(Network.newBuilder().setName("bridge")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("host")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("Bad Name!")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n").setDriver("macvlan")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n").setSubnet("10.1.2.3/16")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n").setSubnet("10.1.0.0")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n").setSubnet("10.1.0.0/31")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n").setSubnet("10.1.0.0/24")
        .setGateway("10.2.0.1")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(Network.newBuilder().setName("n")
        .setBridge("a-much-too-long-bridge-name")));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> create(Network.newBuilder().setName("n").setBridge("lo")));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> create(Network.newBuilder().setName("n").setBridge(h.bridge)));
    assertCode(Status.Code.NOT_FOUND, () -> h.networks.get(GetNetworkRequest.newBuilder().setName("nosuch").build()));
    assertCode(Status.Code.NOT_FOUND, () -> h.networks.delete(DeleteNetworkRequest.newBuilder().setName("nosuch").build()));
    assertCode(Status.Code.FAILED_PRECONDITION,
        () -> h.networks.delete(DeleteNetworkRequest.newBuilder().setName("bridge").build()));
    assertEquals(1, h.networks.list(ListNetworksRequest.getDefaultInstance()).getNetworksCount());
  }

  @Test
  void aNetworkWithAttachmentsCannotBeDeletedAndGoesWithItsBridgeAfterwards() {
    Network n = create(Network.newBuilder().setName("temp").setSubnet("10.152.0.0/24").setBridge("brtemp"));
    h.attach("c", "temp");
    assertCode(Status.Code.FAILED_PRECONDITION,
        () -> h.networks.delete(DeleteNetworkRequest.newBuilder().setName("temp").build()));
    h.detach("c");
    assertTrue(h.onHost("ip", "link", "show", n.getBridge()).ok());
    h.networks.delete(DeleteNetworkRequest.newBuilder().setName("temp").build());
    assertFalse(h.onHost("ip", "link", "show", n.getBridge()).ok(), "bridge deleted with its network");
  }

  @Test
  void aFullSubnetRefusesTheNextContainerAndCreatesNothingForIt() throws Exception {
    create(Network.newBuilder().setName("tiny").setSubnet("10.151.0.0/30"));
    h.attach("only", "tiny");
    assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> h.attach("one-more", "tiny"));
    assertNothingFor("one-more");
    assertEquals(List.of("tiny 10.151.0.2"), h.manager.leases());
    h.detach("only");
    h.attach("one-more", "tiny");
    h.detach("one-more");
    h.assertNothingLeft();
  }

  @Test
  void aHostPortInUseIsRefusedAndCreatesNothing() throws Exception {
    int port = 18080 + (int) (ProcessHandle.current().pid() % 1000);
    h.startWebServerOnHost(port);
    assertCode(Status.Code.FAILED_PRECONDITION, () -> h.attach("web", "", port + ":80"));
    assertNothingFor("web");
    // Also when only the second of two mappings collides: the first one's reservation is released.
    assertCode(Status.Code.FAILED_PRECONDITION, () -> h.attach("web", "", "0:81", port + ":80"));
    h.assertNothingLeft();
  }

  @Test
  void requestedAddressesAreChecked() throws Exception {
    String subnet = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork().getSubnet();
    String prefix = subnet.substring(0, subnet.indexOf(".0.0/"));
    h.attach(AttachRequest.newBuilder().setContainerId("a").setIp(prefix + ".0.9").build());
    assertCode(Status.Code.ALREADY_EXISTS,
        () -> h.attach(AttachRequest.newBuilder().setContainerId("b").setIp(prefix + ".0.9").build()));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> h.attach(AttachRequest.newBuilder().setContainerId("b").setIp("192.0.2.9").build()));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> h.attach(AttachRequest.newBuilder().setContainerId("b").setIp(prefix + ".0.1").build()));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> h.attach(AttachRequest.newBuilder().setContainerId("b").setIp("nonsense").build()));
    assertNothingFor("b");
  }

  @Test
  void unknownNetworksAndNamespacesAreRefused() throws Exception {
    assertCode(Status.Code.NOT_FOUND, () -> h.attach("c", "nosuch"));
    assertCode(Status.Code.NOT_FOUND, () -> h.attach(AttachRequest.newBuilder().setContainerId("c")
        .setNetnsPath(dir.resolve("no-such-netns").toString()).build()));
    Path plainFile = Files.writeString(dir.resolve("not-a-netns"), "");
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach(AttachRequest.newBuilder().setContainerId("c")
        .setNetnsPath(plainFile.toString()).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach(AttachRequest.newBuilder().setContainerId("c")
        .setNetnsPath("relative/path").build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach("Bad ID!", ""));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach("c", "Bad Network!"));
    h.assertNothingLeft();
  }

  @Test
  void malformedPortsAreRefused() throws Exception {
    for (String spec : List.of("80", "abc", "1:2:3:4", "70000:80", "80:0", "80:80/sctp", "300.1.1.1:80:80",
        ":80", "80:", "-1:80", "80:80/")) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach("c", "", spec));
    }
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach(AttachRequest.newBuilder().setContainerId("c")
        .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setProtocol("icmp")).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach(AttachRequest.newBuilder().setContainerId("c")
        .addPortMappings(PortMapping.newBuilder().setHostPort(8080)).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach("c", "none", "8080:80"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach("c", "", "192.0.2.200:8080:80"));
    h.assertNothingLeft();
  }

  @Test
  void otherBadAttachFieldsAreRefused() throws Exception {
    for (AttachRequest.Builder r : List.of(
        AttachRequest.newBuilder().setHostname("bad_host!"),
        AttachRequest.newBuilder().addAliases("-alias"),
        AttachRequest.newBuilder().addExtraHosts("no-address"),
        AttachRequest.newBuilder().addExtraHosts("name:not-an-ip"),
        AttachRequest.newBuilder().addDnsServers("dns.example"),
        AttachRequest.newBuilder().addDnsSearch("two words"),
        AttachRequest.newBuilder().setInterfaceName("a-very-long-interface"),
        AttachRequest.newBuilder().putLabels("", "x"))) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> h.attach(r.setContainerId("c").build()));
    }
    h.assertNothingLeft();
  }

  @Test
  void detachIsIdempotent() throws Exception {
    h.attachments.detach(DetachRequest.newBuilder().setContainerId("never").build());
    h.attach("c", "");
    h.detach("c");
    h.detach("c");
    h.attachments.detach(DetachRequest.newBuilder().setContainerId("c").setNetwork("bridge").build());
    h.assertNothingLeft();
  }

  private Network create(Network.Builder n) {
    return h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(n).build()).getNetwork();
  }

  private void assertNothingFor(String containerId) throws Exception {
    assertFalse(Files.exists(h.state.resolve("netns/default/" + containerId)), "pin left for " + containerId);
    assertFalse(Files.exists(h.state.resolve("network/default/" + containerId)), "files left for " + containerId);
    assertTrue(h.pinsLeft().stream().noneMatch(p -> p.endsWith("/" + containerId)));
    long veths = Sh.lines(h.onHost("ip", "-o", "link", "show", "type", "veth").output()).size();
    assertEquals(h.attachments.list(berth.network.v1.ListAttachmentsRequest.getDefaultInstance())
        .getAttachmentsList().stream().filter(a -> a.getMode() == berth.network.v1.Mode.BRIDGE).count(), veths);
  }

  private static void assertCode(Status.Code expected, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(expected, e.getStatus().getCode(), e.getStatus().getDescription());
  }
}
