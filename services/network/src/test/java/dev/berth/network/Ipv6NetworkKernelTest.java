package dev.berth.network;

import static dev.berth.network.BridgeNetworkKernelTest.address;
import static dev.berth.network.NetworkHarness.assertOk;
import static dev.berth.network.NetworkHarness.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.Network;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Networks with IPv6 beside IPv4 (Docker's --ipv6) on the real kernel, in a namespace of the test's own. */
class Ipv6NetworkKernelTest {
  @TempDir Path dir;
  NetworkHarness h;

  @AfterEach
  void cleanUp() {
    if (h != null) {
      h.close();
    }
  }

  private Network create(Network.Builder network) {
    return h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(network).build()).getNetwork();
  }

  static String address6(Attachment a) {
    String cidr = a.getResult().getIps(1).getAddress();
    return cidr.substring(0, cidr.indexOf('/'));
  }

  @Test
  void containersGetIpv6AddressesPingEachOtherAndSurviveARestart() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    assertEquals("0", h.onHost("cat", "/proc/sys/net/ipv6/conf/all/disable_ipv6").output().strip(),
        "IPv6 is on in the test's namespace");
    Network net6 = create(Network.newBuilder().setName("net6").setSubnet("10.231.0.0/24").setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:1::/64"));
    assertTrue(net6.getEnableIpv6());
    assertEquals("fd00:db8:1::/64", net6.getIpv6Subnet());
    assertEquals("fd00:db8:1::1", net6.getIpv6Gateway());

    Attachment a = h.attach("a", "net6");
    Attachment b = h.attach("b", "net6");
    assertEquals("fd00:db8:1::2/64", a.getResult().getIps(1).getAddress());
    assertEquals("fd00:db8:1::1", a.getResult().getIps(1).getGateway());
    assertEquals("fd00:db8:1::3", address6(b));
    assertEquals("::/0", a.getResult().getRoutes(1).getDst());

    String addresses = in(a.getNetnsPath(), "ip", "-o", "-6", "addr", "show", "dev", "eth0", "scope", "global").output();
    assertTrue(addresses.contains("inet6 fd00:db8:1::2/64"), addresses);
    assertFalse(addresses.contains("tentative"), "no duplicate address detection to wait for: " + addresses);
    assertEquals("default via fd00:db8:1::1 dev eth0 metric 1024 pref medium",
        in(a.getNetnsPath(), "ip", "-6", "route", "show", "default").output().strip());
    assertOk(in(a.getNetnsPath(), "busybox", "ping", "-6", "-c", "1", "-W", "2", address6(b)), "a pings b over IPv6");
    assertOk(in(b.getNetnsPath(), "busybox", "ping", "-6", "-c", "1", "-W", "2", "fd00:db8:1::1"),
        "b pings the gateway over IPv6");
    assertTrue(h.onHost("ip", "-6", "addr", "show", "dev", net6.getBridge()).output()
        .contains("inet6 fd00:db8:1::1/64"));
    assertEquals("1", h.onHost("cat", "/proc/sys/net/ipv6/conf/all/forwarding").output().strip());

    // Docker's /etc/hosts on a user-defined network: the own entry with both addresses, peers likewise
    String hosts = Files.readString(Path.of(a.getFiles().getHosts()));
    assertTrue(hosts.contains(address(a) + "\ta\n" + "fd00:db8:1::2\ta\n"), hosts);
    assertTrue(hosts.contains(address(b) + "\tb\n" + "fd00:db8:1::3\tb\n"), hosts);

    String rules = h.onHost("nft", "list", "table", "ip6", "berth").output();
    assertTrue(rules.contains("ip6 saddr fd00:db8:1::/64 oifname != \"" + net6.getBridge()
        + "\" masquerade comment \"network net6\""), rules);

    h.stop();
    h.startOnUnixSocket();
    Attachment again = h.attachments.get(GetAttachmentRequest.newBuilder().setContainerId("a").build())
        .getAttachment();
    assertEquals(address6(a), address6(again));
    assertEquals(rules, h.onHost("nft", "list", "table", "ip6", "berth").output(), "the same table is in force");
    assertTrue(h.networks.get(GetNetworkRequest.newBuilder().setName("net6").build()).getNetwork().getEnableIpv6());
    // addresses leased before the restart are not handed out again; an address asked for is given
    Attachment c = h.attach(AttachRequest.newBuilder().setContainerId("c").setNetwork("net6")
        .setIp6("fd00:db8:1::99").build());
    assertEquals("fd00:db8:1::99", address6(c));
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class, () -> h.attach(
        AttachRequest.newBuilder().setContainerId("d").setNetwork("net6").setIp6("fd00:db8:1::99").build()));
    assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
    assertOk(in(c.getNetnsPath(), "busybox", "ping", "-6", "-c", "1", "-W", "2", address6(a)), "c pings a");
    Attachment d = h.attach("d", "net6");
    assertEquals("fd00:db8:1::9a", address6(d));

    for (String id : new String[] {"a", "b", "c", "d"}) {
      h.detach(id);
    }
    h.assertNothingLeft();
  }

  @Test
  void aPortPublishedWithoutHostIpAnswersOnBothFamiliesAndGoesWithTheContainer() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    Network net6 = create(Network.newBuilder().setName("net6").setSubnet("10.232.0.0/24").setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:5::/64"));
    Attachment web = h.attach("web", "net6", "0:80");
    assertEquals(2, web.getPortMappingsCount(), web.getPortMappingsList().toString());
    int port = web.getPortMappings(0).getHostPort();
    assertEquals("0.0.0.0", web.getPortMappings(0).getHostIp());
    assertEquals("::", web.getPortMappings(1).getHostIp());
    assertEquals(port, web.getPortMappings(1).getHostPort(), "one host port for both families, as Docker's");
    h.startWebServer(web.getNetnsPath(), "hello over both\n");

    assertEquals("hello over both\n", h.httpFromHost("[fd00:db8:5::1]", port), "the host's IPv6 address");
    assertEquals("hello over both\n", h.httpFromHost("10.232.0.1", port));
    assertEquals("hello over both\n", h.httpFromHost("127.0.0.1", port));
    long start = System.nanoTime();
    assertNull(h.httpFromHost("[::1]", port), "::1 cannot be forwarded without a userland proxy");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "refused at once, not left waiting");
    Attachment peer = h.attach("peer", "net6");
    assertEquals("hello over both\n", in(peer.getNetnsPath(), "curl", "-s", "--max-time", "2",
        "http://[fd00:db8:5::1]:" + port + "/").output(), "a peer through the host's IPv6 address");
    assertEquals("hello over both\n", in(web.getNetnsPath(), "curl", "-s", "--max-time", "2",
        "http://[fd00:db8:5::1]:" + port + "/").output(), "hairpin: the container through its own published port");

    // each family's host port is reserved on its own
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
        () -> h.attach("second", "net6", "[::]:" + port + ":80"));
    assertEquals(Status.Code.FAILED_PRECONDITION, taken.getStatus().getCode());
    assertTrue(taken.getStatus().getDescription().contains("[::]:" + port + "/tcp"), taken.getStatus().getDescription());
    h.detach("peer");
    Attachment v6only = h.attach("v6only", "net6", "[::]:0:80");
    assertEquals(1, v6only.getPortMappingsCount());
    assertEquals("::", v6only.getPortMappings(0).getHostIp());
    StatusRuntimeException loopback = assertThrows(StatusRuntimeException.class,
        () -> h.attach("loop", "net6", "[::1]:0:80"));
    assertEquals(Status.Code.INVALID_ARGUMENT, loopback.getStatus().getCode());
    StatusRuntimeException noIpv6 = assertThrows(StatusRuntimeException.class,
        () -> h.attach("v4", "", "[::]:0:80"));
    assertEquals(Status.Code.INVALID_ARGUMENT, noIpv6.getStatus().getCode());
    assertTrue(noIpv6.getStatus().getDescription().contains("no IPv6 address on network bridge"),
        noIpv6.getStatus().getDescription());
    Attachment v4 = h.attach("v4", "", "0:80");
    assertEquals(1, v4.getPortMappingsCount(), "a container without IPv6 publishes on IPv4 alone");

    String rules = h.onHost("nft", "list", "table", "ip6", "berth").output();
    assertTrue(rules.contains("tcp dport " + port + " dnat to [" + address6(web) + "]:80"), rules);
    h.stop();
    h.startOnUnixSocket();
    assertEquals(rules, h.onHost("nft", "list", "table", "ip6", "berth").output(), "the same rules after a restart");
    assertEquals("hello over both\n", h.httpFromHost("[fd00:db8:5::1]", port));
    assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
        () -> h.attach("second", "net6", "[::]:" + port + ":80")).getStatus().getCode(), "reserved again at start");

    h.detach("web");
    assertNull(h.httpFromHost("[fd00:db8:5::1]", port), "port closed after detach");
    assertFalse(h.onHost("nft", "list", "table", "ip6", "berth").output().contains("dport " + port));
    Attachment again = h.attach("second", "net6", "[::]:" + port + ":80");
    assertEquals(port, again.getPortMappings(0).getHostPort(), "the port is free again");
    for (String id : new String[] {"second", "v6only", "v4"}) {
      h.detach(id);
    }
    h.assertNothingLeft();
    assertFalse(h.onHost("nft", "list", "tables").output().contains("ip6 berth"), "table ip6 berth went with them");
  }

  @Test
  void aGatewayMovePublishesThePortsAskedForAndAConnectThatCannotFailsWithNothingMoved() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    create(Network.newBuilder().setName("alpha").setSubnet("10.239.0.0/24").setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:a::/64"));
    create(Network.newBuilder().setName("zeta").setSubnet("10.240.0.0/24"));
    h.attach("c", "alpha", "[::]:18002:80", "18003:80");
    h.attach("c", "zeta");
    // zeta has no IPv6: [::]:18002 cannot go there, but it is still asked for
    h.attachments.detach(DetachRequest.newBuilder().setContainerId("c").setNetwork("alpha").build());
    assertEquals("[0.0.0.0:18003->80]", ports("c", "zeta"));
    h.attach("c", "alpha");
    assertEquals("[:::18002->80, 0.0.0.0:18003->80, :::18003->80]", ports("c", "alpha"));
    assertEquals("[]", ports("c", "zeta"));
    h.detach("c");

    // another holds [::]:18005 alone: a gateway with IPv6 cannot publish -p 18005:80 on both families
    h.attach("holder", "alpha", "[::]:18005:80");
    h.attach("c4", "zeta", "18005:80");
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.attach("c4", "alpha"));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().startsWith(
        "driver failed programming external connectivity on endpoint c4 (alpha): "), refused.getStatus().getDescription());
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> h.attachments.get(
        GetAttachmentRequest.newBuilder().setContainerId("c4").setNetwork("alpha").build())).getStatus().getCode());
    assertEquals("[0.0.0.0:18005->80]", ports("c4", "zeta"), "the old gateway keeps its port");
    assertTrue(h.onHost("nft", "list", "table", "ip", "berth").output().contains("tcp dport 18005 dnat to 10.240.0."),
        "and its rule");
    h.detach("holder");
    h.detach("c4");
    h.assertNothingLeft();
  }

  @Test
  void aConnectThatLeavesTheGatewayWhereItIsTouchesNoPortEvenOneItLost() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    create(Network.newBuilder().setName("n6").setSubnet("10.241.0.0/24").setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:b::/64"));
    create(Network.newBuilder().setName("na").setSubnet("10.242.0.0/24"));
    create(Network.newBuilder().setName("nb").setSubnet("10.243.0.0/24"));
    h.attach("d6", "n6", "[::]:18922:80");
    h.attach("d6", "na");
    // na has no IPv6: the port cannot go there
    h.attachments.detach(DetachRequest.newBuilder().setContainerId("d6").setNetwork("n6").build());
    assertEquals("[]", ports("d6", "na"));
    // na stays the gateway: nb's connect is not a move, so the port na could not take fails nothing
    h.attach("d6", "nb");
    assertEquals("[]", ports("d6", "nb"));
    h.detach("d6");
    h.assertNothingLeft();
  }

  /** The container's published ports on {@code network}, as HOST_IP:PORT->CONTAINER_PORT. */
  private String ports(String containerId, String network) {
    return h.attachments.get(GetAttachmentRequest.newBuilder().setContainerId(containerId).setNetwork(network).build())
        .getAttachment().getPortMappingsList().stream()
        .map(p -> p.getHostIp() + ":" + p.getHostPort() + "->" + p.getContainerPort())
        .toList().toString();
  }

  @Test
  void hostIpsNoRuleCanPublishOnAreRefusedAndAnIpv4MappedOneIsIpv4() throws Exception {
    h = NetworkHarness.open(dir).start();
    create(Network.newBuilder().setName("net6").setSubnet("10.237.0.0/24").setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:9::/64"));
    for (String spec : new String[] {"[fe80::1]:0:80", "[ff02::1]:0:80", "224.0.0.1:0:80"}) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.attach("c", "net6", spec));
      assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), spec);
      assertTrue(refused.getStatus().getDescription().contains("cannot be published"),
          refused.getStatus().getDescription());
    }
    // as Docker's daemon takes it: the IPv4 address, on IPv4 alone
    Attachment mapped = h.attach(AttachRequest.newBuilder().setContainerId("mapped").setNetwork("net6")
        .addPortMappings(berth.network.v1.PortMapping.newBuilder().setHostIp("::ffff:127.0.0.1").setContainerPort(80))
        .build());
    assertEquals(1, mapped.getPortMappingsCount(), mapped.getPortMappingsList().toString());
    assertEquals("127.0.0.1", mapped.getPortMappings(0).getHostIp());
    h.detach("mapped");
    h.assertNothingLeft();
  }

  @Test
  void anInternalNetworkKeepsItsIpv6TrafficOnItsBridge() throws Exception {
    h = NetworkHarness.open(dir).start();
    Network secret = create(Network.newBuilder().setName("secret").setInternal(true).setEnableIpv6(true)
        .setIpv6Subnet("fd00:db8:2::/64"));
    Network open = create(Network.newBuilder().setName("open").setEnableIpv6(true).setIpv6Subnet("fd00:db8:3::/64"));
    Attachment inside = h.attach("inside", "secret");
    Attachment outside = h.attach("outside", "open");
    assertEquals("", in(inside.getNetnsPath(), "ip", "-6", "route", "show", "default").output().strip(),
        "no default route off an internal network");
    String rules = h.onHost("nft", "list", "table", "ip6", "berth").output();
    assertTrue(rules.contains("iifname \"" + secret.getBridge() + "\" oifname != \"" + secret.getBridge() + "\" drop"),
        rules);
    assertFalse(rules.contains("fd00:db8:2::/64"), "no masquerade of an internal network: " + rules);
    assertTrue(rules.contains("iifname \"" + open.getBridge() + "\" oifname \"" + secret.getBridge() + "\" drop"),
        rules);
    assertFalse(in(outside.getNetnsPath(), "busybox", "ping", "-6", "-c", "1", "-W", "1", address6(inside)).ok(),
        "networks are isolated over IPv6 too");
    h.detach("inside");
    h.detach("outside");
    h.assertNothingLeft();
  }

  @Test
  void theIp6TableGoesWithTheLastNetworkWithIpv6() throws Exception {
    h = NetworkHarness.open(dir).start();
    create(Network.newBuilder().setName("net6").setEnableIpv6(true).setIpv6Subnet("fd00:db8:4::/64"));
    create(Network.newBuilder().setName("other").setSubnet("10.233.0.0/24"));
    h.attach("a", "net6");
    h.attach("b", "other");
    h.attach("c", "");
    h.detach("a");
    assertTrue(h.onHost("nft", "list", "table", "ip6", "berth").output().contains("isolate network other"),
        "the IPv4 networks in use are isolated over IPv6 while a network with IPv6 exists");
    h.networks.delete(DeleteNetworkRequest.newBuilder().setName("net6").build());
    assertFalse(h.onHost("nft", "list", "table", "ip6", "berth").ok(), "no ip6 table once no network has IPv6");
    create(Network.newBuilder().setName("net6").setEnableIpv6(true).setIpv6Subnet("fd00:db8:4::/64"));
    h.attach("a", "net6");
    h.detach("a");
    h.networks.delete(DeleteNetworkRequest.newBuilder().setName("net6").build());
    h.detach("b");
    assertFalse(h.onHost("nft", "list", "table", "ip6", "berth").ok(), "nor after the next change of rules");
    h.detach("c");
    h.assertNothingLeft();
  }

  /**
   * CVE-2020-13401: a container with CAP_NET_RAW (a default capability) on a network without IPv6
   * sends a router advertisement as a raw Ethernet frame; the bridge must not take it, or the
   * host would route its IPv6 traffic through the container.
   */
  @Test
  void aRouterAdvertisementFromAContainerOnAnIpv4NetworkAddsNoRouteOnTheHost() throws Exception {
    h = NetworkHarness.open(dir).start();
    create(Network.newBuilder().setName("v4only").setSubnet("10.232.0.0/24"));
    Attachment onDefault = h.attach("a", "");
    Attachment onV4only = h.attach("b", "v4only");
    String sender = Path.of(getClass().getResource("/send-router-advertisement.py").toURI()).toString();
    for (Attachment a : new Attachment[] {onDefault, onV4only}) {
      assertEquals("1", in(a.getNetnsPath(), "cat", "/proc/sys/net/ipv6/conf/eth0/disable_ipv6").output().strip(),
          "IPv6 is off on an interface whose network has none");
      String bridge = h.networks.get(GetNetworkRequest.newBuilder().setName(a.getNetwork()).build())
          .getNetwork().getBridge();
      assertEquals("0", h.onHost("cat", "/proc/sys/net/ipv6/conf/" + bridge + "/accept_ra").output().strip());
      // the bridge takes advertisements only once its link-local address is no longer tentative
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!h.onHost("ip", "-6", "addr", "show", "dev", bridge, "scope", "link", "-tentative").output()
          .contains("fe80::") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      for (int i = 0; i < 5; i++) {
        assertOk(in(a.getNetnsPath(), "python3", sender, "eth0", "2001:db8:bad::"), "the advertisement is sent");
        Thread.sleep(100);
      }
      assertEquals("", h.onHost("ip", "-6", "route", "show", "default").output().strip(), "no default route taken");
      assertFalse(h.onHost("ip", "-6", "route").output().contains("2001:db8:bad"), "no advertised prefix taken");
    }
    h.detach("a");
    h.detach("b");
    h.assertNothingLeft();
  }

  @Test
  void anIpv6SubnetIsCheckedAsDockersDaemonChecksIt() throws Exception {
    h = NetworkHarness.open(dir).start();
    Network auto = create(Network.newBuilder().setName("auto").setEnableIpv6(true));
    assertTrue(auto.getIpv6Subnet().matches("fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64"), auto.getIpv6Subnet());
    assertEquals(auto.getIpv6Subnet().replace("::/64", "::1"), auto.getIpv6Gateway());

    assertRefused(Status.Code.INVALID_ARGUMENT, "invalid network config:\ninvalid subnet fd00::1/64: it should be "
        + "fd00::/64", Network.newBuilder().setName("x").setEnableIpv6(true).setIpv6Subnet("fd00::1/64"));
    assertRefused(Status.Code.INVALID_ARGUMENT, "invalid network config:\ninvalid subnet fd00::/129: invalid CIDR "
        + "block notation", Network.newBuilder().setName("x").setEnableIpv6(true).setIpv6Subnet("fd00::/129"));
    assertRefused(Status.Code.INVALID_ARGUMENT, "invalid network config:\ninvalid gateway fd01::1: parent subnet "
        + "fd00::/64 doesn't contain this address", Network.newBuilder().setName("x").setEnableIpv6(true)
        .setIpv6Subnet("fd00::/64").setIpv6Gateway("fd01::1"));
    assertRefused(Status.Code.FAILED_PRECONDITION, "invalid pool request: Pool overlaps with other one on this "
        + "address space", Network.newBuilder().setName("x").setEnableIpv6(true).setIpv6Subnet(
            auto.getIpv6Subnet().replace("::/64", "::8000:0:0:0/65")));
    assertRefused(Status.Code.INVALID_ARGUMENT, "subnet 2000::/3: prefix length must be between 64 (one link's) and "
        + "126", Network.newBuilder().setName("x").setEnableIpv6(true).setIpv6Subnet("2000::/3"));
    assertRefused(Status.Code.INVALID_ARGUMENT, "subnet fd00:db8:5::/63: prefix length must be between 64",
        Network.newBuilder().setName("x").setEnableIpv6(true).setIpv6Subnet("fd00:db8:5::/63"));
    assertRefused(Status.Code.INVALID_ARGUMENT, "needs IPv6 enabled",
        Network.newBuilder().setName("x").setIpv6Subnet("fd00::/64"));
    StatusRuntimeException noV6 = assertThrows(StatusRuntimeException.class, () -> h.attach(
        AttachRequest.newBuilder().setContainerId("e").setIp6("fd00::5").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, noV6.getStatus().getCode());
    h.assertNothingLeft();
  }

  private void assertRefused(Status.Code code, String words, Network.Builder network) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> create(network));
    assertEquals(code, e.getStatus().getCode(), e::toString);
    assertTrue(e.getStatus().getDescription().contains(words), e.getStatus().getDescription());
  }
}
