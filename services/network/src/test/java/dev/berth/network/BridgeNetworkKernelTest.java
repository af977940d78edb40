package dev.berth.network;

import static dev.berth.network.NetworkHarness.assertOk;
import static dev.berth.network.NetworkHarness.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentStatsRequest;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.CniResult;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.InterfaceStats;
import berth.network.v1.Mode;
import berth.network.v1.Network;
import berth.network.v1.PortMapping;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.MacAddress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bridge networks on the real kernel, inside a network namespace of the test's own. */
class BridgeNetworkKernelTest {
  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();

  @Test
  void twoContainersOnTheDefaultBridgePingEachOtherByIp() throws Exception {
    Attachment a = h.attach("a", "");
    Attachment b = h.attach("b", "bridge");
    Network bridge = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();

    assertEquals("bridge", a.getNetwork());
    assertEquals(Mode.BRIDGE, a.getMode());
    assertTrue(a.getNetnsPinned());
    assertEquals(h.state.resolve("netns/default/a").toString(), a.getNetnsPath());
    String ipA = address(a);
    String ipB = address(b);
    assertNotEquals(ipA, ipB);
    assertOk(in(a.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", ipB), "a pings b");
    assertOk(in(b.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", ipA), "b pings a");
    assertOk(in(a.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", bridge.getGateway()), "a pings the gateway");

    // The container side: eth0 with the address, lo up, default route via the gateway.
    String addresses = in(a.getNetnsPath(), "ip", "-o", "-4", "addr", "show").output();
    assertTrue(addresses.contains("eth0") && addresses.contains(a.getResult().getIps(0).getAddress()), addresses);
    assertTrue(addresses.contains("lo") && addresses.contains("127.0.0.1/8"), addresses);
    assertEquals("default via " + bridge.getGateway() + " dev eth0",
        in(a.getNetnsPath(), "ip", "route", "show", "default").output().strip());

    // The host side: both veths on the bridge, which carries the gateway address.
    String ports = h.onHost("ip", "-o", "link", "show", "master", h.bridge).output();
    assertTrue(ports.contains(a.getHostInterface()) && ports.contains(b.getHostInterface()), ports);
    assertTrue(h.onHost("ip", "-o", "-4", "addr", "show", "dev", h.bridge).output()
        .contains(bridge.getGateway() + "/"));
    assertEquals("1", h.onHost("cat", "/proc/sys/net/ipv4/ip_forward").output().strip());

    h.detach("a");
    h.detach("b");
    h.assertNothingLeft();
  }

  @Test
  void resultIsShapedLikeCni() {
    Attachment a = h.attach("web", "");
    CniResult r = a.getResult();
    Network bridge = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();

    assertEquals("1.0.0", r.getCniVersion());
    assertEquals(2, r.getInterfacesCount());
    assertEquals(a.getHostInterface(), r.getInterfaces(0).getName());
    assertEquals("", r.getInterfaces(0).getSandbox());
    assertEquals("eth0", r.getInterfaces(1).getName());
    assertEquals(a.getNetnsPath(), r.getInterfaces(1).getSandbox());
    Ipv4 ip = Ipv4.parse("address", r.getIps(0).getAddress().split("/")[0]);
    assertEquals(MacAddress.of(ip).toString(), r.getInterfaces(1).getMac(), "Docker 27's: 02:42, then the address");
    assertTrue(in(a.getNetnsPath(), "ip", "link", "show", "eth0").output().contains(r.getInterfaces(1).getMac()));
    assertEquals(1, r.getIps(0).getInterface());
    assertTrue(r.getIps(0).getAddress().endsWith("/16"));
    assertEquals(bridge.getGateway(), r.getIps(0).getGateway());
    assertEquals("0.0.0.0/0", r.getRoutes(0).getDst());
    assertEquals(bridge.getGateway(), r.getRoutes(0).getGw());
    assertEquals(java.util.List.of("192.0.2.53"), r.getDns().getNameserversList());
  }

  @Test
  void publishedPortAnswersOnLoopbackAndGatewayAndClosesAfterDetach() throws Exception {
    Attachment web = h.attach(AttachRequest.newBuilder().setContainerId("web")
        .addPortMappings(PortMapping.newBuilder().setHostPort(0).setContainerPort(80)).build());
    int port = web.getPortMappings(0).getHostPort();
    assertTrue(port > 0, "a host port was chosen");
    assertEquals("tcp", web.getPortMappings(0).getProtocol());
    assertEquals("0.0.0.0", web.getPortMappings(0).getHostIp());
    h.startWebServer(web.getNetnsPath(), "hello from web\n");
    String gateway = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork().getGateway();

    assertEquals("hello from web\n", h.httpFromHost("127.0.0.1", port));
    assertEquals("hello from web\n", h.httpFromHost(gateway, port));
    // Another container reaches it through the host's address too.
    Attachment client = h.attach("client", "");
    Sh.Result fromPeer = in(client.getNetnsPath(), "curl", "-s", "--max-time", "2",
        "http://" + gateway + ":" + port + "/");
    assertEquals("hello from web\n", fromPeer.output());
    String rules = h.onHost("nft", "list", "table", "ip", "berth").output();
    assertTrue(rules.contains("tcp dport " + port + " dnat to " + address(web) + ":80"), rules);

    h.detach("web");
    assertNull(h.httpFromHost("127.0.0.1", port), "port closed after detach");
    String after = h.onHost("nft", "list", "ruleset").output();
    assertFalse(after.contains("dport " + port), after);
    h.detach("client");
    h.assertNothingLeft();
  }

  @Test
  void aPortPublishedOnOneHostAddressAnswersOnlyThere() throws Exception {
    Attachment web = h.attach("web", "", "127.0.0.1:0:80");
    int port = web.getPortMappings(0).getHostPort();
    assertEquals("127.0.0.1", web.getPortMappings(0).getHostIp());
    h.startWebServer(web.getNetnsPath(), "local only\n");
    String gateway = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork().getGateway();

    assertEquals("local only\n", h.httpFromHost("127.0.0.1", port));
    assertNull(h.httpFromHost(gateway, port));
    h.detach("web");
    h.assertNothingLeft();
  }

  @Test
  void containerReachesGatewayAndMasqueradeRuleLivesWhileAttached() {
    Network bridge = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();
    Attachment a = h.attach("a", "");
    assertOk(in(a.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", bridge.getGateway()), "gateway");
    String rules = h.onHost("nft", "list", "table", "ip", "berth").output();
    assertTrue(rules.contains("ip saddr " + bridge.getSubnet() + " oifname != \"" + h.bridge + "\" masquerade"), rules);

    h.detach("a");
    assertFalse(h.onHost("nft", "list", "ruleset").output().contains("masquerade"));
  }

  @Test
  void containersOnAUserDefinedNetworkReachEachOtherByName() throws Exception {
    Network created = h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("backend").setSubnet("10.201.0.0/24")).build()).getNetwork();
    assertEquals("10.201.0.1", created.getGateway());
    assertTrue(created.getBridge().startsWith("br-"));
    Attachment db = h.attach(AttachRequest.newBuilder().setContainerId("db").setNetwork("backend")
        .addAliases("database").build());
    Attachment app = h.attach("app", "backend");

    // Each container's /etc/hosts lists the other, also the one attached earlier.
    String appHosts = Files.readString(Path.of(app.getFiles().getHosts()));
    String dbHosts = Files.readString(Path.of(db.getFiles().getHosts()));
    assertTrue(appHosts.contains(address(db) + "\tdb database"), appHosts);
    assertTrue(dbHosts.contains(address(app) + "\tapp"), dbHosts);
    Sh.Result ping = in(app.getNetnsPath(), "unshare", "-m", "sh", "-c",
        "mount --bind " + app.getFiles().getHosts() + " /etc/hosts && busybox ping -c 1 -W 2 database");
    assertOk(ping, "app pings db by its alias");
    assertTrue(ping.output().contains(address(db)), ping.output());

    h.detach("app");
    assertFalse(Files.readString(Path.of(db.getFiles().getHosts())).contains(address(app)), "peer line removed");
    h.detach("db");
    h.assertNothingLeft();
  }

  @Test
  void containersOnDifferentNetworksCannotReachEachOther() throws Exception {
    h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("iso1").setSubnet("10.202.0.0/24")).build());
    h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("iso2").setSubnet("10.203.0.0/24")).build());
    Attachment one = h.attach("one", "iso1");
    Attachment peer = h.attach("peer", "iso1");
    Attachment two = h.attach("two", "iso2");
    Attachment dflt = h.attach("dflt", "");

    assertOk(in(one.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", address(peer)), "same network");
    assertFalse(in(two.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "1", address(one)).ok(), "iso2 -> iso1");
    assertFalse(in(dflt.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "1", address(one)).ok(), "bridge -> iso1");
    assertFalse(in(one.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "1", address(two)).ok(), "iso1 -> iso2");
    Network iso2 = h.networks.get(GetNetworkRequest.newBuilder().setName("iso2").build()).getNetwork();
    assertOk(in(two.getNetnsPath(), "busybox", "ping", "-c", "1", "-W", "2", iso2.getGateway()), "own gateway");

    for (String id : List.of("one", "peer", "two", "dflt")) {
      h.detach(id);
    }
    h.assertNothingLeft();
  }

  @Test
  void attachesToANamespaceGivenByPath() {
    Path given = h.addNetns(h.hostNetns + "-c");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("given").setNetnsPath(given.toString()).build());
    assertEquals(given.toString(), a.getNetnsPath());
    assertFalse(a.getNetnsPinned());
    assertTrue(Sh.check("ip", "-n", given.getFileName().toString(), "-o", "-4", "addr").contains(address(a)));

    h.detach("given");
    assertTrue(Files.exists(given), "a namespace the caller gave is left alone");
    assertEquals("", Sh.check("ip", "-n", given.getFileName().toString(), "-o", "link", "show", "type", "veth").strip());
  }

  @Test
  void secondNetworkAddsAnInterfaceInTheSameNamespace() throws Exception {
    h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("second")).build());
    Attachment first = h.attach("multi", "");
    Attachment second = h.attach("multi", "second");
    assertEquals(first.getNetnsPath(), second.getNetnsPath());
    assertEquals("eth1", second.getInterfaceName());
    assertEquals(0, second.getResult().getRoutesCount(), "the default route stays on the first network");
    String hosts = Files.readString(Path.of(first.getFiles().getHosts()));
    assertTrue(hosts.contains(address(first)) && hosts.contains(address(second)), hosts);

    h.attachments.detach(berth.network.v1.DetachRequest.newBuilder().setContainerId("multi").setNetwork("second").build());
    assertFalse(in(first.getNetnsPath(), "ip", "-o", "link").output().contains("eth1"));
    assertTrue(in(first.getNetnsPath(), "ip", "-o", "link").output().contains("eth0"));
    h.detach("multi");
    h.assertNothingLeft();
  }

  @Test
  void theContainersOwnHostsLinesOutliveTheFirstNetwork() throws Exception {
    h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("alpha").setSubnet("10.243.0.0/24")).build());
    // as the tasks service attaches --hostname web --add-host foo:1.2.3.4 on two networks, the gateway first
    Attachment alpha = h.attach(AttachRequest.newBuilder().setContainerId("c7").setNetwork("alpha")
        .setHostname("web").setDomainname("example.com").addExtraHosts("foo:1.2.3.4").build());
    Attachment bridge = h.attach(AttachRequest.newBuilder().setContainerId("c7").setNetwork("bridge")
        .addExtraHosts("foo:1.2.3.4").build());
    Path hosts = Path.of(alpha.getFiles().getHosts());
    assertEquals(1, Files.readString(hosts).split("1.2.3.4\tfoo", -1).length - 1, Files.readString(hosts));

    h.attachments.detach(berth.network.v1.DetachRequest.newBuilder().setContainerId("c7").setNetwork("alpha").build());
    String left = Files.readString(hosts);
    assertTrue(left.contains("1.2.3.4\tfoo\n"), left);
    assertTrue(left.contains(address(bridge) + "\tweb.example.com web\n"), left);
    h.detach("c7");
    h.assertNothingLeft();
  }

  @Test
  void statsCountWhatCrossedTheContainersInterfaceAsTheKernelDoes() throws Exception {
    Attachment a = h.attach("a", "");
    Attachment b = h.attach("b", "");
    assertOk(in(a.getNetnsPath(), "busybox", "ping", "-c", "3", "-i", "0.2", "-W", "2", address(b)), "a pings b");

    long[] before = procNetDev(a.getNetnsPath(), "eth0");
    AttachmentStatsResponse stats = h.attachments.stats(AttachmentStatsRequest.newBuilder().setContainerId("a")
        .build());
    long[] after = procNetDev(a.getNetnsPath(), "eth0");
    assertEquals(1, stats.getInterfacesCount(), "loopback is not counted: " + stats);
    InterfaceStats eth0 = stats.getInterfaces(0);
    assertEquals("eth0", eth0.getName());
    // three echo requests out and three replies in, 98 bytes each on the wire
    assertTrue(eth0.getTxPackets() >= 3 && eth0.getTxBytes() >= 3 * 98, eth0.toString());
    assertTrue(eth0.getRxPackets() >= 3 && eth0.getRxBytes() >= 3 * 98, eth0.toString());
    // the same counters /proc/net/dev shows inside the namespace, read just before and after
    long[] answered = {eth0.getRxBytes(), eth0.getRxPackets(), eth0.getRxErrors(), eth0.getRxDropped(),
        eth0.getTxBytes(), eth0.getTxPackets(), eth0.getTxErrors(), eth0.getTxDropped()};
    for (int i = 0; i < answered.length; i++) {
      assertTrue(before[i] <= answered[i] && answered[i] <= after[i],
          "counter " + i + ": " + before[i] + " <= " + answered[i] + " <= " + after[i]);
    }
    assertTrue(stats.getTimestamp().getSeconds() > 0);

    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> h.attachments.stats(
        AttachmentStatsRequest.newBuilder().setContainerId("absent").build())).getStatus().getCode());
    h.detach("a");
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> h.attachments.stats(
        AttachmentStatsRequest.newBuilder().setContainerId("a").build())).getStatus().getCode());
    h.detach("b");
    h.assertNothingLeft();
  }

  /** rx bytes, packets, errors, dropped, then the same for tx, of {@code device} in /proc/net/dev inside {@code netns}. */
  private static long[] procNetDev(String netns, String device) {
    String line = Sh.lines(in(netns, "cat", "/proc/net/dev").output()).stream()
        .filter(l -> l.strip().startsWith(device + ":")).findFirst().orElseThrow();
    String[] f = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
        Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11])};
  }

  static String address(Attachment a) {
    String cidr = a.getResult().getIps(0).getAddress();
    return cidr.substring(0, cidr.indexOf('/'));
  }
}
