package dev.berth.network;

import static dev.berth.network.BridgeNetworkKernelTest.address;
import static dev.berth.network.NetworkHarness.assertOk;
import static dev.berth.network.NetworkHarness.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.Network;
import berth.network.v1.ResolvConfStyle;
import berth.network.v1.Attachment;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Mode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** host, none and container:<id> modes, and the generated /etc files, on the real kernel. */
class NetworkModesKernelTest {
  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();

  @Test
  void noneHasOnlyLoopback() throws Exception {
    Attachment a = h.attach("isolated", "none");
    assertEquals(Mode.NONE, a.getMode());
    assertTrue(a.getNetnsPinned());
    List<String> links = Sh.lines(in(a.getNetnsPath(), "ip", "-o", "link").output());
    assertEquals(1, links.size(), links.toString());
    assertTrue(links.get(0).contains("lo:") && links.get(0).contains("UP"), links.get(0));
    assertEquals("lo", a.getResult().getInterfaces(0).getName());
    assertEquals("127.0.0.1/8", a.getResult().getIps(0).getAddress());

    h.detach("isolated");
    h.assertNothingLeft();
  }

  @Test
  void hostSeesTheHostsInterfaces() throws Exception {
    Sh.check("ip", "-n", h.hostNetns, "link", "add", "hostmark0", "type", "bridge");
    Attachment a = h.attach("hostnet", "host");
    assertEquals(Mode.HOST, a.getMode());
    assertEquals(h.hostNetnsPath.toString(), a.getNetnsPath());
    assertFalse(a.getNetnsPinned());
    assertEquals("", a.getHostInterface());
    assertEquals(0, a.getResult().getInterfacesCount());
    assertTrue(in(a.getNetnsPath(), "ip", "-o", "link").output().contains("hostmark0"));
    // The host's resolvers as they are, loopback stub included: it is reachable from there.
    assertEquals(List.of("127.0.0.53", "192.0.2.53"), a.getResult().getDns().getNameserversList());
    assertEquals(0, Sh.lines(h.onHost("ip", "-o", "link", "show", "type", "veth").output()).size());

    h.detach("hostnet");
    h.assertNothingLeft();
  }

  @Test
  void containerModeSharesTheOtherContainersAddress() throws Exception {
    Attachment x = h.attach("x", "", "0:80");
    Attachment y = h.attach("y", "container:x");
    assertEquals(Mode.CONTAINER, y.getMode());
    assertEquals(x.getNetnsPath(), y.getNetnsPath());
    assertEquals(address(x), address(y));
    assertEquals("", y.getHostInterface());
    assertEquals(0, y.getPortMappingsCount());

    // The namespace outlives x's detach while y still uses it, and goes with y.
    h.detach("x");
    assertTrue(Files.exists(Path.of(y.getNetnsPath())));
    assertOk(in(y.getNetnsPath(), "ip", "link", "show", "lo"), "y's namespace is still there");
    h.detach("y");
    h.assertNothingLeft();
  }

  @Test
  void aContainerWhoseNamespaceWasJoinedStartsAgainInANewOneAsDockersDoes() throws Exception {
    Attachment x = h.attach("x", "");
    Attachment y = h.attach("y", "container:x");
    h.detach("x");
    // restarted while y runs: its own namespace again, y keeps the old one (loopback alone)
    Attachment again = h.attach("x", "");
    assertNotEquals(y.getNetnsPath(), again.getNetnsPath());
    assertOk(in(again.getNetnsPath(), "ip", "link", "show", "eth0"), "x's new namespace has its interface");
    assertFalse(in(y.getNetnsPath(), "ip", "link", "show", "eth0").ok(), "y's has none left");
    // a container joining x now joins the new one; and once y goes, so does the old namespace
    Attachment z = h.attach("z", "container:x");
    assertEquals(again.getNetnsPath(), z.getNetnsPath());
    h.detach("y");
    assertFalse(Files.exists(Path.of(y.getNetnsPath())));
    h.detach("x");
    h.detach("z");
    h.assertNothingLeft();
  }

  @Test
  void containerModeNeedsAnAttachedContainer() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.attach("y", "container:nobody"));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void modesDoNotMixWithOtherAttachments() {
    h.attach("solo", "none");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.attach("solo", "bridge"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    e = assertThrows(StatusRuntimeException.class, () -> h.attach("solo", "none"));
    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
  }

  @Test
  void theHostFilesOtherLinesAreCopiedAndIpv6ServersOnlyToAContainerWithIpv6AsDocker27Does() throws Exception {
    Files.writeString(h.resolvConf, "# test host\nnameserver 127.0.0.53\nnameserver fd00:53::53\n"
        + "nameserver 192.0.2.53\nsortlist 192.0.2.0/255.255.255.0\nsearch example.test\nlookup file bind\n");
    Attachment legacy = h.attach("legacy", "");
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 192.0.2.53\nsearch example.test\n"
        + "sortlist 192.0.2.0/255.255.255.0\nlookup file bind\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (legacy)\n# Overrides: []\n",
        Files.readString(Path.of(legacy.getFiles().getResolvConf())), "no IPv6 on the default network");
    assertEquals(List.of("192.0.2.53"), legacy.getResult().getDns().getNameserversList());

    h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("dual")
        .setSubnet("10.232.0.0/24").setEnableIpv6(true).setIpv6Subnet("fd00:232::/64")).build());
    Attachment dual = h.attach("dual-1", "dual");
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\nsearch example.test\noptions ndots:0\n"
        + "sortlist 192.0.2.0/255.255.255.0\nlookup file bind\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (internal resolver)\n"
        + "# ExtServers: [host(127.0.0.53) fd00:53::53 192.0.2.53]\n# Overrides: []\n# Option ndots from: internal\n",
        Files.readString(Path.of(dual.getFiles().getResolvConf())), "the IPv6 server asked from the container's side");
    Attachment side = h.attach("dual-side", "container:dual-1");
    assertEquals(List.of("fd00:53::53", "192.0.2.53"), side.getResult().getDns().getNameserversList(),
        "a container sharing an interface with IPv6 reaches IPv6 servers");
    h.detach("dual-side");
    h.detach("dual-1");
    h.detach("legacy");
  }

  @Test
  void filesSayWhatWasAskedFor() throws Exception {
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("0123456789abcdef-web")
        .setHostname("web")
        .setDomainname("example.test")
        .addExtraHosts("gateway.test:192.0.2.1")
        .addDnsServers("192.0.2.10")
        .addDnsSearch("corp.test")
        .addDnsOptions("ndots:1")
        .build());
    assertEquals("web\n", Files.readString(Path.of(a.getFiles().getHostname())));
    String hosts = Files.readString(Path.of(a.getFiles().getHosts()));
    assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"), hosts);
    // Docker's order and names: the extra hosts, then the container's own line, FQDN first
    assertTrue(hosts.endsWith("ff02::2\tip6-allrouters\n192.0.2.1\tgateway.test\n" + address(a)
        + "\tweb.example.test web\n"), hosts);
    // Docker 27's file: its header, nameservers first, then where it came from
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 192.0.2.10\nsearch corp.test\noptions ndots:1\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (legacy)\n# Overrides: [nameservers search options]\n"
        + "# Option ndots from: override\n", Files.readString(Path.of(a.getFiles().getResolvConf())));
    assertEquals(List.of("192.0.2.10"), a.getResult().getDns().getNameserversList());

    // Defaults: hostname from the id; the host's resolvers without the loopback stub.
    Attachment b = h.attach("0123456789abcdef-db", "");
    assertEquals("0123456789ab\n", Files.readString(Path.of(b.getFiles().getHostname())));
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 192.0.2.53\nsearch example.test\noptions ndots:2\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (legacy)\n# Overrides: []\n# Option ndots from: host\n",
        Files.readString(Path.of(b.getFiles().getResolvConf())));
    assertEquals(h.state.resolve("network/default/0123456789abcdef-db/hosts").toString(), b.getFiles().getHosts());

    // as Docker's, a search domain "." asks for none: the host's list is replaced by nothing
    Attachment dotted = h.attach(AttachRequest.newBuilder().setContainerId("dotted").addDnsSearch(".").build());
    String dottedConf = Files.readString(Path.of(dotted.getFiles().getResolvConf()));
    assertFalse(dottedConf.contains("\nsearch "), dottedConf);
    assertTrue(dottedConf.contains("\n# Overrides: [search]\n"), dottedConf);

    // a pod of the CRI's: containerd's lines alone, search first
    Attachment pod = h.attach(AttachRequest.newBuilder().setContainerId("pod").addDnsServers("10.96.0.10")
        .addDnsSearch("default.svc.cluster.local").setResolvConfStyle(ResolvConfStyle.RESOLV_CONF_CONTAINERD).build());
    assertEquals("search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:2\n",
        Files.readString(Path.of(pod.getFiles().getResolvConf())));
  }

  @Test
  void attachmentsAreListedPerNamespaceAndFiltered() {
    h.attach("one", "");
    h.attach("two", "none");
    assertEquals(2, h.attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
    List<Attachment> none = h.attachments.list(ListAttachmentsRequest.newBuilder().addFilters("mode==none").build())
        .getAttachmentsList();
    assertEquals(1, none.size());
    assertEquals("two", none.get(0).getContainerId());
    Attachment one = h.attachments.get(GetAttachmentRequest.newBuilder().setContainerId("one").build()).getAttachment();
    assertEquals("bridge", one.getNetwork());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        h.attachments.get(GetAttachmentRequest.newBuilder().setContainerId("three").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals(0, h.attachmentsIn("other").list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
  }
}
