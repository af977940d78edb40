package dev.berth.api.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link NetworkManager} does, with the codes the kernel manager answers: the one on
 * the kernel, the in-memory fake and the one behind gRPC pass the same assertions. A subclass
 * opens a manager with nothing but the default network on a fresh directory, on a host of the
 * test's own, and closes it (and whatever it needed) in {@link #closeManager()}.
 */
public abstract class NetworkManagerContractTest {
  private static final String NS = "contract";
  private static final String DEFAULT = "bridge";

  @TempDir protected Path dir;
  protected NetworkManager manager;

  /** The manager under test, keeping whatever state it has under {@code dir}. */
  protected abstract NetworkManager openManager(Path dir) throws Exception;

  /** Closes what {@link #openManager} opened; runs also after a failure. */
  protected abstract void closeManager() throws Exception;

  @BeforeEach
  void open() throws Exception {
    manager = openManager(dir);
  }

  @AfterEach
  void close() throws Exception {
    closeManager();
  }

  // ---- networks ----

  @Test
  void theDefaultNetworkIsThereAndCannotBeDeleted() {
    NetworkInfo bridge = manager.getNetwork(DEFAULT);
    assertTrue(bridge.isDefault());
    assertEquals(NetworkInfo.DRIVER_BRIDGE, bridge.driver());
    assertEquals(List.of(DEFAULT), networkNames());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.deleteNetwork(DEFAULT));
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.createNetwork(network(DEFAULT, "")));
  }

  @Test
  void aCreatedNetworkIsAnsweredAsAskedAndGoneAfterDelete() {
    NetworkInfo blue = manager.createNetwork(new NetworkSpec("blue", "", "10.201.0.0/24", "", "", 0, null, false,
        Map.of("team", "a")));
    assertEquals("blue", blue.name());
    assertEquals(NetworkInfo.DRIVER_BRIDGE, blue.driver());
    assertEquals(Subnet.parse("10.201.0.0/24"), blue.subnet());
    assertEquals(Ipv4.parse("gateway", "10.201.0.1"), blue.gateway());
    assertEquals(1500, blue.mtu());
    assertTrue(blue.masquerade());
    assertFalse(blue.internal());
    assertFalse(blue.isDefault());
    assertEquals(Map.of("team", "a"), blue.labels());
    assertEquals(blue, manager.getNetwork("blue"));
    assertEquals(List.of(blue), manager.listNetworks(Filter.parse(List.of("name==blue"))));
    assertEquals(List.of(blue), manager.listNetworks(Filter.parse(List.of("labels.team==a"))));
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.createNetwork(network("blue", "10.209.0.0/24")));

    manager.deleteNetwork("blue");
    assertCode(Status.Code.NOT_FOUND, () -> manager.getNetwork("blue"));
    assertCode(Status.Code.NOT_FOUND, () -> manager.deleteNetwork("blue"));
    assertEquals(List.of(DEFAULT), networkNames());
  }

  @Test
  void networksAreFoundByIdAndUniqueIdPrefixAsByName() {
    NetworkInfo green = manager.createNetwork(network("green", "10.206.0.0/24"));
    NetworkInfo bridge = manager.getNetwork(DEFAULT);
    assertTrue(green.id().matches("[0-9a-f]{64}"), green.id());
    assertEquals("br-" + green.id().substring(0, 12), green.bridge(), "Docker's bridge name");
    assertNotEquals(bridge.id(), green.id());
    assertEquals(green, manager.getNetwork(green.id()));
    assertEquals(green, manager.getNetwork(green.id().substring(0, 12)));
    assertEquals(List.of(green), manager.listNetworks(Filter.parse(List.of("id==" + green.id()))));
    // the shortest prefix that tells the two ids apart, and the longest that does not
    int shared = 0;
    while (green.id().charAt(shared) == bridge.id().charAt(shared)) {
      shared++;
    }
    int common = shared;
    if (common > 0) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.getNetwork(green.id().substring(0, common)));
    }
    assertEquals(green, manager.getNetwork(green.id().substring(0, common + 1)));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getNetwork("ghost"));
    manager.deleteNetwork(green.id().substring(0, 12));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getNetwork(green.id()));
    assertEquals(List.of(DEFAULT), networkNames());
  }

  @Test
  void optionsAskedForAreKept() {
    NetworkInfo n = manager.createNetwork(new NetworkSpec("quiet", "bridge", "10.205.0.0/24", "10.205.0.254",
        "brquiet", 1400, false, true, Map.of()));
    assertEquals(Ipv4.parse("gateway", "10.205.0.254"), n.gateway());
    assertEquals("brquiet", n.bridge());
    assertEquals(1400, n.mtu());
    assertFalse(n.masquerade());
    assertTrue(n.internal());
  }

  @Test
  void ipamOptionsAreKeptAsGivenAsDockersDefaultDriverKeepsThem() {
    Map<String, String> options = Map.of("com.docker.network.ipam.serial", "true", "team", "");
    NetworkInfo n = manager.createNetwork(new NetworkSpec("ipamopts", "", "10.206.0.0/24", "", "", 0, null, false,
        Map.of(), "", null, false, "", "", "", Map.of(), List.of(), options));
    assertEquals(options, n.ipamOptions());
    assertEquals(n, manager.getNetwork("ipamopts"));
    assertEquals(Map.of(), manager.createNetwork(network("plainipam", "10.206.1.0/24")).ipamOptions());
  }

  @Test
  void everyPoolOfBothFamiliesAndTheAuxiliaryAddressesAreKept() {
    NetworkInfo n = manager.createNetwork(new NetworkSpec("pools", "", "10.207.0.0/24", "", "", 0, null, false,
        Map.of(), "10.207.0.128/25", null, true, "fd00:207::/64", "fd00:207::fe", "", Map.of("printer", "10.208.0.9"),
        List.of(new NetworkSpec.PoolSpec("10.208.0.0/24", "10.208.0.254", ""),
            new NetworkSpec.PoolSpec("fd00:208::/64", "", "fd00:208::/80"))));
    assertEquals(List.of(
        new Ipv4Pool(Subnet.parse("10.207.0.0/24"), Ipv4.parse("gateway", "10.207.0.128"), Subnet.parse("10.207.0.128/25")),
        new Ipv4Pool(Subnet.parse("10.208.0.0/24"), Ipv4.parse("gateway", "10.208.0.254"), null)), n.pools(),
        "the range's first address the first pool's gateway, as Docker's allocator takes it");
    assertTrue(n.ipv6());
    assertEquals(List.of(
        new Ipv6Pool(Subnet6.parse("fd00:207::/64"), Ipv6.parse("gateway", "fd00:207::fe"), null),
        new Ipv6Pool(Subnet6.parse("fd00:208::/64"), Ipv6.parse("gateway", "fd00:208::1"), Subnet6.parse("fd00:208::/80"))),
        n.pools6(), "the subnet-router anycast address no gateway");
    assertEquals(Map.of("printer", "10.208.0.9"), n.auxAddresses());
    assertFalse(n.subnetChosen() || n.subnet6Chosen());
    assertEquals(n, manager.getNetwork("pools"));
    assertEquals(List.of(n), manager.listNetworks(Filter.parse(List.of("subnet==10.208.0.0/24"))));
    assertEquals(List.of(n), manager.listNetworks(Filter.parse(List.of("gateway==fd00:208::1"))));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.createNetwork(network("second", "10.208.0.128/25")));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.createNetwork(new NetworkSpec("third", "", "", "", "",
        0, null, false, Map.of(), "", null, true, "fd00:208::/64", "", "", Map.of())));
    // an IPv6 pool without IPv6
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(new NetworkSpec("fourth", "", "10.209.0.0/24",
        "", "", 0, null, false, Map.of(), "", null, false, "", "", "", Map.of(),
        List.of(new NetworkSpec.PoolSpec("fd00:209::/64", "", "")))));
  }

  @Test
  void aSubnetIsChosenWhenNoneIsGiven() {
    NetworkInfo auto = manager.createNetwork(network("auto", ""));
    assertFalse(auto.subnet().overlaps(manager.getNetwork(DEFAULT).subnet()));
    assertEquals(auto.subnet().firstHost(), auto.gateway());
  }

  @Test
  void badNetworksAreRefusedAndNothingIsCreated() {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(network("Bad Name!", "")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(network("host", "")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(network("n", "10.1.2.3/16")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(network("n", "10.1.0.0")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(network("n", "10.1.0.0/31")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(
        new NetworkSpec("n", "macvlan", "", "", "", 0, null, false, Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(
        new NetworkSpec("n", "", "10.1.0.0/24", "10.2.0.1", "", 0, null, false, Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(
        new NetworkSpec("n", "", "10.1.0.0/24", "", "a-much-too-long-bridge-name", 0, null, false, Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(
        new NetworkSpec("n", "", "10.1.0.0/24", "", "", 10, null, false, Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.getNetwork("Bad Name!"));
    assertEquals(List.of(DEFAULT), networkNames());
  }

  @Test
  void overlappingSubnetsAndTakenBridgesAreAFailedPrecondition() {
    manager.createNetwork(new NetworkSpec("first", "", "10.202.0.0/16", "", "brfirst", 0, null, false, Map.of()));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.createNetwork(network("second", "10.202.128.0/17")));
    assertCode(Status.Code.FAILED_PRECONDITION,
        () -> manager.createNetwork(network("third", manager.getNetwork(DEFAULT).subnet().toString())));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.createNetwork(
        new NetworkSpec("fourth", "", "10.206.0.0/24", "", "brfirst", 0, null, false, Map.of())));
    assertEquals(List.of(DEFAULT, "first"), networkNames());
  }

  @Test
  void aNetworkWithAttachmentsCannotBeDeleted() {
    manager.createNetwork(network("blue", "10.201.0.0/24"));
    manager.attach(NS, attach("c1", "blue"));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.deleteNetwork("blue"));
    manager.detach(NS, "c1", "blue");
    manager.deleteNetwork("blue");
    assertEquals(List.of(DEFAULT), networkNames());
  }

  // ---- attachments ----

  @Test
  void addressesAreUniqueHostAddressesOfTheSubnet() {
    NetworkInfo small = manager.createNetwork(network("small", "10.203.0.0/28"));
    Set<Ipv4> seen = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      AttachmentInfo a = manager.attach(NS, attach("c" + i, "small"));
      assertEquals(Mode.BRIDGE, a.mode());
      assertEquals("small", a.network());
      assertEquals(small.subnet(), a.subnet());
      assertEquals(small.gateway(), a.gateway());
      assertEquals("eth0", a.interfaceName());
      assertTrue(a.defaultRoute());
      assertTrue(small.subnet().isHost(a.ip()), a.ip().toString());
      assertNotEquals(small.gateway(), a.ip());
      assertTrue(seen.add(a.ip()), "address " + a.ip() + " handed out twice");
      assertEquals(a, manager.getAttachment(NS, "c" + i, "small"));
    }
  }

  @Test
  void aStaticAddressIsHonouredOnceAndMustBeAHostOfTheSubnet() {
    manager.createNetwork(network("blue", "10.204.0.0/24"));
    assertEquals(Ipv4.parse("address", "10.204.0.50"), manager.attach(NS, attach("c1", "blue", "10.204.0.50")).ip());
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.attach(NS, attach("c2", "blue", "10.204.0.50")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("c2", "blue", "10.99.0.5")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("c2", "blue", "10.204.0.1")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("c2", "blue", "10.204.0.255")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("c2", "blue", "not-an-address")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "c2", ""));
    assertNotEquals(Ipv4.parse("address", "10.204.0.50"), manager.attach(NS, attach("c2", "blue")).ip());
  }

  @Test
  void aPublishedHostPortIsRefusedToASecondContainerUntilReleased() {
    PortMapping web = new PortMapping(PortMapping.ANY, 18080, 80, PortMapping.Protocol.TCP);
    assertEquals(List.of(web), manager.attach(NS, withPorts("web1", web)).ports());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.attach(NS, withPorts("web2", web)));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "web2", ""));
    PortMapping udp = new PortMapping(PortMapping.ANY, 18080, 80, PortMapping.Protocol.UDP);
    assertEquals(List.of(udp), manager.attach(NS, withPorts("dns", udp)).ports());
    PortMapping any = manager.attach(NS, withPorts("picked", web.withHostPort(0))).ports().get(0);
    assertTrue(any.hostPort() > 0, any.toString());
    assertEquals(80, any.containerPort());

    manager.detach(NS, "web1", "");
    assertEquals(List.of(web), manager.attach(NS, withPorts("web2", web)).ports());
  }

  @Test
  void attachingTwiceOrToWhatIsNotThereIsRefused() {
    manager.attach(NS, attach("c", DEFAULT));
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.attach(NS, attach("c", DEFAULT)));
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.attach(NS, attach("c", "")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.attach(NS, attach("d", "absent")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("Bad ID!", DEFAULT)));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, withPorts("h", "host",
        new PortMapping(PortMapping.ANY, 18081, 80, PortMapping.Protocol.TCP))));
    assertCode(Status.Code.NOT_FOUND, () -> manager.attach(NS, attach("side", "container:absent")));
    assertEquals(List.of("c"), containerIds(manager.listAttachments(NS, Filter.parse(List.of()))));
  }

  @Test
  void attachmentsHaveDockersEndpointAndSandboxIdsDerivedFromWhatNamesThem() throws Exception {
    manager.createNetwork(network("blue", "10.201.0.0/24"));
    AttachmentInfo first = manager.attach(NS, attach("c", DEFAULT));
    AttachmentInfo second = manager.attach(NS, attach("c", "blue"));
    assertTrue(first.endpointId().matches("[0-9a-f]{64}"), first.endpointId());
    assertNotEquals(first.endpointId(), second.endpointId(), "an endpoint per network");
    assertEquals(first.sandboxId(), second.sandboxId(), "one network namespace");
    assertNotEquals(first.sandboxId(), manager.attach(NS, attach("d", DEFAULT)).sandboxId());
    // derived, not drawn: what a restarted manager reads back has the same ids
    assertEquals(sha256Hex(NS + "/c/blue"), manager.getAttachment(NS, "c", "blue").endpointId());
    assertEquals(sha256Hex(NS + "/c"), manager.getAttachment(NS, "c", "").sandboxId());
    manager.detach(NS, "c", "");
    manager.detach(NS, "d", "");
    manager.deleteNetwork("blue");
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void attachmentsAreFoundPerNetworkAndNamespaceAndGoWithDetach() {
    manager.createNetwork(network("green", "10.201.0.0/24"));
    AttachmentInfo first = manager.attach(NS, attach("c", DEFAULT));
    AttachmentInfo second = manager.attach(NS, attach("c", "green"));
    assertEquals("eth1", second.interfaceName());
    assertFalse(second.defaultRoute(), "the default route stays with bridge, which Docker's daemon elects before green");
    assertEquals(first.netns(), second.netns());
    assertEquals(first, manager.getAttachment(NS, "c", ""));
    assertEquals(second, manager.getAttachment(NS, "c", "green"));
    assertEquals(List.of(second), manager.listAttachments(NS, Filter.parse(List.of("network==green"))));
    assertEquals(List.of(), manager.listAttachments("elsewhere", Filter.parse(List.of())));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment("elsewhere", "c", ""));

    manager.detach(NS, "c", "green");
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "c", "green"));
    assertEquals(first, manager.getAttachment(NS, "c", ""));
    manager.detach(NS, "c", "");
    assertEquals(List.of(), manager.listAttachments(NS, Filter.parse(List.of())));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "c", ""));
    // detach is idempotent: a retry after a crash must not fail
    manager.detach(NS, "c", "");
    manager.detach(NS, "never-attached", "green");
    manager.deleteNetwork("green");
  }

  @Test
  void theDefaultRouteAndPortsGoWhereDockersDaemonElectsTheGateway() {
    manager.createNetwork(network("zeta", "10.207.0.0/24"));
    manager.createNetwork(network("alpha", "10.208.0.0/24"));
    PortMapping web = new PortMapping(PortMapping.ANY, 18082, 80, PortMapping.Protocol.TCP);
    assertTrue(manager.attach(NS, withPorts("c", "zeta", web)).defaultRoute());
    // alpha comes first by name: connecting it moves the route and the ports there, as Docker's daemon does
    AttachmentInfo alpha = manager.attach(NS, attach("c", "alpha"));
    assertTrue(alpha.defaultRoute());
    assertEquals(List.of(web), alpha.ports());
    AttachmentInfo zeta = manager.getAttachment(NS, "c", "zeta");
    assertFalse(zeta.defaultRoute());
    assertEquals(List.of(), zeta.ports());

    // the gateway network given up, the next one routes the container and publishes its ports
    manager.detach(NS, "c", "alpha");
    zeta = manager.getAttachment(NS, "c", "zeta");
    assertTrue(zeta.defaultRoute());
    assertEquals(List.of(web), zeta.ports());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.attach(NS, withPorts("d", web)));
    manager.detach(NS, "c", "");
    assertEquals(List.of(web), manager.attach(NS, withPorts("d", web)).ports());
    manager.detach(NS, "d", "");
    manager.deleteNetwork("zeta");
    manager.deleteNetwork("alpha");
  }

  @Test
  void aGatewayPublishesThePortsAskedForAndAConnectThatCannotTakeThemFailsWithNothingMoved() {
    manager.createNetwork(network("zeta", "10.209.0.0/24"));
    manager.createNetwork(new NetworkSpec("aaa", "", "10.210.0.0/24", "", "", 0, null, true, Map.of()));
    manager.createNetwork(network("beta", "10.211.0.0/24"));
    PortMapping web = new PortMapping(PortMapping.ANY, 18084, 80, PortMapping.Protocol.TCP);
    manager.attach(NS, withPorts("c", "zeta", web));
    manager.attach(NS, attach("c", "aaa"));
    // the internal network never wins: the ports have nowhere to go
    manager.detach(NS, "c", "zeta");
    assertEquals(List.of(), manager.getAttachment(NS, "c", "aaa").ports());
    // meanwhile another takes the port: a gateway connected now cannot publish it, so the connect fails whole
    manager.attach(NS, withPorts("d", web));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.attach(NS, attach("c", "beta")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "c", "beta"));
    assertEquals(List.of(web), manager.getAttachment(NS, "d", "").ports());
    // the port free again, the next gateway publishes what the container asked for, as Docker's daemon does
    manager.detach(NS, "d", "");
    AttachmentInfo beta = manager.attach(NS, attach("c", "beta"));
    assertTrue(beta.defaultRoute());
    assertEquals(List.of(web), beta.ports());
    manager.detach(NS, "c", "");
    manager.deleteNetwork("zeta");
    manager.deleteNetwork("aaa");
    manager.deleteNetwork("beta");
  }

  @Test
  void portsAskedForOnAnInternalNetworkArePublishedByTheNextGateway() {
    manager.createNetwork(new NetworkSpec("sealed", "", "10.212.0.0/24", "", "", 0, null, true, Map.of()));
    manager.createNetwork(network("open", "10.213.0.0/24"));
    PortMapping web = new PortMapping(PortMapping.ANY, 18086, 80, PortMapping.Protocol.TCP);
    // as Docker's daemon: taken, nothing published (a container left on internal networks starts again)
    assertEquals(List.of(), manager.attach(NS, withPorts("c", "sealed", web)).ports());
    AttachmentInfo open = manager.attach(NS, attach("c", "open"));
    assertTrue(open.defaultRoute());
    assertEquals(List.of(web), open.ports());
    manager.detach(NS, "c", "");
    manager.deleteNetwork("sealed");
    manager.deleteNetwork("open");
  }

  @Test
  void anAttachmentKeepsItsOwnPortsWhenItBecomesTheGatewayAndAConnectElsewhereLeavesThem() {
    manager.createNetwork(network("zeta", "10.214.0.0/24"));
    manager.createNetwork(network("alpha", "10.215.0.0/24"));
    manager.createNetwork(network("omega", "10.216.0.0/24"));
    PortMapping web = new PortMapping(PortMapping.ANY, 18087, 80, PortMapping.Protocol.TCP);
    manager.attach(NS, attach("c", "zeta"));
    // an Attachments API client may give ports with a later attach: the gateway it becomes publishes them
    AttachmentInfo alpha = manager.attach(NS, withPorts("c", "alpha", web));
    assertTrue(alpha.defaultRoute());
    assertEquals(List.of(web), alpha.ports());
    manager.attach(NS, attach("c", "omega"));
    assertEquals(List.of(web), manager.getAttachment(NS, "c", "alpha").ports(), "a connect of no gateway moves nothing");
    manager.detach(NS, "c", "");
    assertEquals(List.of(web), manager.attach(NS, withPorts("d", web)).ports(), "released with the attachment");
    manager.detach(NS, "d", "");
    manager.deleteNetwork("zeta");
    manager.deleteNetwork("alpha");
    manager.deleteNetwork("omega");
  }

  @Test
  void anInternalNetworkGivesNoDefaultRouteAndLeavesItToANormalOne() {
    NetworkInfo closed = manager.createNetwork(new NetworkSpec("closed", "", "10.206.0.0/24", "", "", 0, null, true,
        Map.of()));
    AttachmentInfo inside = manager.attach(NS, attach("c", "closed"));
    assertFalse(inside.defaultRoute(), "an internal network leads nowhere off its subnet");
    assertEquals(closed.gateway(), inside.gateway(), "the gateway is still told, as Docker's inspect does");
    assertTrue(manager.attach(NS, attach("c", DEFAULT)).defaultRoute(), "the first normal network routes");

    assertTrue(manager.attach(NS, attach("d", DEFAULT)).defaultRoute());
    assertFalse(manager.attach(NS, attach("d", "closed")).defaultRoute());
    assertFalse(manager.getAttachment(NS, "c", "closed").defaultRoute());
    manager.detach(NS, "c", "");
    manager.detach(NS, "d", "");
    manager.deleteNetwork("closed");
  }

  @Test
  void whatAnAttachmentAskedForComesBack() {
    AttachmentInfo a = manager.attach(NS, new AttachSpec("abcdefghijklmnop", "", "", "", "", "", List.of(), "web",
        "example.test", List.of("www", "brave_turing"),
        new Dns(List.of("192.0.2.1"), List.of("example.test"), List.of("ndots:1")),
        List.of("db:192.0.2.10"), Map.of("k", "v")));
    assertEquals("web", a.hostname());
    assertEquals("example.test", a.domainname());
    assertEquals(List.of("www", "brave_turing"), a.aliases(), "container names, '_' and all, are aliases too");
    assertEquals(new Dns(List.of("192.0.2.1"), List.of("example.test"), List.of("ndots:1")), a.dns());
    assertEquals(List.of(new HostEntry("db", "192.0.2.10")), a.extraHosts());
    assertEquals(Map.of("k", "v"), a.labels());
    assertEquals(List.of(a), manager.listAttachments(NS, Filter.parse(List.of("labels.k==v"))));
    assertEquals("abcdefghijkl", manager.attach(NS, attach("abcdefghijklmnop-2", DEFAULT)).hostname());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("x", "", "", "", "", "",
        List.of(), "not a hostname", "", List.of(), Dns.NONE, List.of(), Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("x", "", "", "", "", "",
        List.of(), "", "", List.of("two words"), Dns.NONE, List.of(), Map.of())));
  }

  @Test
  void addressesComeFromTheIpRangeAndARequestedOneFromAnywhereInTheSubnet() {
    NetworkInfo n = manager.createNetwork(new NetworkSpec("ranged", "", "10.208.0.0/16", "", "", 0, null, false,
        Map.of(), "10.208.5.0/24", false));
    assertEquals(Subnet.parse("10.208.5.0/24"), n.ipRange());
    assertFalse(n.icc());
    assertEquals(n, manager.getNetwork("ranged"));
    // as Docker's allocator: the gateway takes the range's first address, a host of the subnet, and
    // containers the next ones
    assertEquals("10.208.5.0", n.gateway().toString());
    assertEquals("10.208.5.1", manager.attach(NS, attach("g1", "ranged")).ip().toString());
    assertEquals("10.208.5.2", manager.attach(NS, attach("g2", "ranged")).ip().toString());
    assertEquals("10.208.0.9", manager.attach(NS, attach("g3", "ranged", "10.208.0.9")).ip().toString());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(new NetworkSpec("outside", "",
        "10.209.0.0/24", "", "", 0, null, false, Map.of(), "10.209.0.0/16", null)));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.createNetwork(new NetworkSpec("outside", "",
        "10.209.0.0/24", "", "", 0, null, false, Map.of(), "10.210.0.0/28", null)));
    assertTrue(manager.getNetwork(DEFAULT).icc());
    assertNull(manager.getNetwork(DEFAULT).ipRange());
    manager.detach(NS, "g1", "");
    manager.detach(NS, "g2", "");
    manager.detach(NS, "g3", "");
    manager.deleteNetwork("ranged");
  }

  @Test
  void addressesComeFromTheFirstPoolWithRoomAndRouteThroughThatPoolsGateway() {
    // the first pool holds one address beside its gateway; the second five, one of them auxiliary
    manager.createNetwork(new NetworkSpec("pools", "", "10.218.0.0/30", "", "", 0, null, false, Map.of(), "", null,
        false, "", "", "", Map.of("printer", "10.219.0.2"),
        List.of(new NetworkSpec.PoolSpec("10.219.0.0/29", "10.219.0.6", ""))));
    Subnet first = Subnet.parse("10.218.0.0/30");
    Subnet second = Subnet.parse("10.219.0.0/29");
    Ipv4 secondGateway = Ipv4.parse("gateway", "10.219.0.6");
    AttachmentInfo p1 = manager.attach(NS, attach("p1", "pools"));
    assertEquals("10.218.0.2", p1.ip().toString());
    assertEquals(first, p1.subnet());
    assertEquals(Ipv4.parse("gateway", "10.218.0.1"), p1.gateway());
    List<String> next = new ArrayList<>();
    for (String id : List.of("p2", "p3", "p4", "p5")) {
      AttachmentInfo a = manager.attach(NS, attach(id, "pools"));
      assertEquals(second, a.subnet(), "the first pool full, the second's: " + a.ip());
      assertEquals(secondGateway, a.gateway(), "the gateway of the pool the address is of");
      assertEquals(a, manager.getAttachment(NS, id, "pools"));
      next.add(a.ip().toString());
    }
    assertEquals(List.of("10.219.0.1", "10.219.0.3", "10.219.0.4", "10.219.0.5"), next,
        "never the auxiliary address nor the gateway");
    assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> manager.attach(NS, attach("p6", "pools")));

    manager.detach(NS, "p4", "");
    AttachmentInfo asked = manager.attach(NS, attach("p6", "pools", "10.219.0.4"));
    assertEquals(second, asked.subnet(), "an address asked for, of the pool whose subnet holds it");
    assertEquals(secondGateway, asked.gateway());
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.attach(NS, attach("p7", "pools", "10.219.0.2")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("p7", "pools", "10.219.0.6")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("p7", "pools", "10.219.0.7")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach("p7", "pools", "10.220.0.1")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "p7", ""));
    for (String id : List.of("p1", "p2", "p3", "p5", "p6")) {
      manager.detach(NS, id, "");
    }
    manager.deleteNetwork("pools");
  }

  @Test
  void anAttachmentOnANetworkWithIpv6HasTheIpv6AddressAskedForOrTheNextFreeOne() {
    manager.createNetwork(new NetworkSpec("dual", "", "10.211.0.0/24", "", "", 0, null, false, Map.of(), "", null,
        true, "fd00:211::/64", "", "", Map.of()));
    Subnet6 subnet6 = Subnet6.parse("fd00:211::/64");
    Ipv6 gateway6 = Ipv6.parse("gateway", "fd00:211::1");
    AttachmentInfo first = manager.attach(NS, attach6("v1", "dual", ""));
    assertEquals(new Ipv6Interface(Ipv6.parse("address", "fd00:211::2"), subnet6, gateway6), first.ipv6(),
        "the subnet's first host is the gateway's, the next one the container's");
    assertEquals(first, manager.getAttachment(NS, "v1", "dual"));
    AttachmentInfo asked = manager.attach(NS, attach6("v2", "dual", "fd00:211::50"));
    assertEquals(new Ipv6Interface(Ipv6.parse("address", "fd00:211::50"), subnet6, gateway6), asked.ipv6());
    assertEquals(List.of(asked), manager.listAttachments(NS, Filter.parse(List.of("container_id==v2"))));
    assertCode(Status.Code.ALREADY_EXISTS, () -> manager.attach(NS, attach6("v3", "dual", "fd00:211::50")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach6("v3", "dual", "fd00:212::5")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach6("v3", "dual", "fd00:211::1")));
    // a network without IPv6
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach6("v3", DEFAULT, "fd00:211::7")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, attach6("v3", "host", "fd00:211::7")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "v3", ""));
    assertNull(manager.attach(NS, attach("v4", DEFAULT)).ipv6(), "no IPv6 on a network without it");
    assertEquals(first.ipv6(), manager.attach(NS, attach("side6", "container:v1")).ipv6(), "the shared interface's");

    // a port of every family is published on both, on one host port
    PortMapping web = new PortMapping(null, 18090, 80, PortMapping.Protocol.TCP);
    AttachmentInfo published = manager.attach(NS, new AttachSpec("v5", "dual", "", "", "", "", List.of(web), "", "",
        List.of(), Dns.NONE, List.of(), Map.of()));
    assertEquals(Set.of(web.withHostIp(PortMapping.ANY), web.withHostIp(Ipv6.ANY)), Set.copyOf(published.ports()));

    manager.detach(NS, "v2", "");
    assertEquals(Ipv6.parse("address", "fd00:211::50"),
        manager.attach(NS, attach6("v6", "dual", "fd00:211::50")).ipv6().ip(), "released with the attachment");
    for (String id : List.of("side6", "v1", "v4", "v5", "v6")) {
      manager.detach(NS, id, "");
    }
    manager.deleteNetwork("dual");
  }

  @Test
  void aLaterAttachmentKeepsTheContainersHostnameAndDomainName() {
    manager.createNetwork(network("names", "10.212.0.0/24"));
    manager.attach(NS, new AttachSpec("named", DEFAULT, "", "", "", "", List.of(), "web", "example.test", List.of(),
        Dns.NONE, List.of(), Map.of()));
    AttachmentInfo later = manager.attach(NS, attach("named", "names"));
    assertEquals("web", later.hostname(), "the container's, not one network's");
    assertEquals("example.test", later.domainname());
    manager.detach(NS, "named", DEFAULT);
    assertEquals("web", manager.getAttachment(NS, "named", "").hostname());
    manager.detach(NS, "named", "");
    manager.deleteNetwork("names");
  }

  @Test
  void badResolversExtraHostsDomainNamesAndLabelsAreRefusedAndNothingIsAttached() {
    List<AttachSpec> bad = List.of(
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(),
            new Dns(List.of("dns.example.test"), List.of(), List.of()), List.of(), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(),
            new Dns(List.of(), List.of("two words"), List.of()), List.of(), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(),
            new Dns(List.of(), List.of(), List.of("ndots:1 #")), List.of(), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(), Dns.NONE,
            List.of("db:not-an-address"), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(), Dns.NONE,
            List.of("bad name:192.0.2.1"), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(), Dns.NONE,
            List.of("no-address"), Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "two words", List.of(), Dns.NONE, List.of(),
            Map.of()),
        new AttachSpec("bad", DEFAULT, "", "", "", "", List.of(), "", "", List.of(), Dns.NONE, List.of(),
            Map.of("", "v")));
    for (AttachSpec spec : bad) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, spec));
    }
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "bad", ""));
    AttachmentInfo good = manager.attach(NS, new AttachSpec("good", DEFAULT, "", "", "", "", List.of(), "", "",
        List.of(), new Dns(List.of("192.0.2.1", "fd00::53"), List.of(), List.of()), List.of("v6:fd00::10"), Map.of()));
    assertEquals(List.of(new HostEntry("v6", "fd00::10")), good.extraHosts());
  }

  @Test
  void linkLocalAddressesAskedForAreReportedBack() {
    AttachmentInfo a = manager.attach(NS, new AttachSpec("ll", DEFAULT, "", "", "", "", List.of(), "", "", List.of(),
        Dns.NONE, List.of(), Map.of(), "", List.of("169.254.7.5", "fe80:0::7")));
    List<IpAddress> asked = List.of(Ipv4.parse("address", "169.254.7.5"), Ipv6.parse("address", "fe80::7"));
    assertEquals(asked, a.linkLocalIps());
    assertEquals(asked, manager.getAttachment(NS, "ll", DEFAULT).linkLocalIps());
    assertEquals(asked, manager.attach(NS, attach("ll-side", "container:ll")).linkLocalIps(), "the shared interface's");
    assertEquals(List.of(), manager.attach(NS, attach("plain", DEFAULT)).linkLocalIps());
    for (String bad : List.of("0.0.0.0", "::", "not-an-address")) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("ll2", DEFAULT, "", "", "", "",
          List.of(), "", "", List.of(), Dns.NONE, List.of(), Map.of(), "", List.of(bad))));
    }
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("ll2", "none", "", "", "", "",
        List.of(), "", "", List.of(), Dns.NONE, List.of(), Map.of(), "", List.of("169.254.7.6"))));
    assertCode(Status.Code.NOT_FOUND, () -> manager.getAttachment(NS, "ll2", ""));
  }

  @Test
  void aRenameReplacesTheOldNameAmongTheAliasesOfEachAttachment() {
    manager.createNetwork(network("renamed", "10.207.0.0/24"));
    manager.attach(NS, new AttachSpec("r1", "renamed", "", "", "", "", List.of(), "", "", List.of("old", "www"),
        Dns.NONE, List.of(), Map.of()));
    manager.attach(NS, new AttachSpec("r1", DEFAULT, "", "", "", "", List.of(), "", "", List.of("old"),
        Dns.NONE, List.of(), Map.of()));
    manager.attach(NS, new AttachSpec("r2", "renamed", "", "", "", "", List.of(), "", "", List.of("old"),
        Dns.NONE, List.of(), Map.of()));
    manager.rename(NS, "r1", "old", "new");
    assertEquals(List.of("new", "www"), manager.getAttachment(NS, "r1", "renamed").aliases());
    assertEquals(List.of("new"), manager.getAttachment(NS, "r1", DEFAULT).aliases());
    assertEquals(List.of("old"), manager.getAttachment(NS, "r2", "renamed").aliases(), "another container's");
    manager.rename(NS, "r1", "www", "new");
    assertEquals(List.of("new"), manager.getAttachment(NS, "r1", "renamed").aliases(), "each name once");
    manager.rename(NS, "unattached", "old", "new");
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.rename(NS, "r1", "new", "two words"));
    manager.detach(NS, "r1", "");
    manager.detach(NS, "r2", "");
    manager.deleteNetwork("renamed");
  }

  @Test
  void anInterfaceAskedForNoMacAddressHasOneMadeOfItsAddressAsDocker27s() {
    manager.createNetwork(network("macs", "10.89.0.0/24"));
    AttachmentInfo a = manager.attach(NS, attach("mac-0", "macs"));
    byte[] ip = a.ip().bytes();
    assertEquals(String.format("02:42:%02x:%02x:%02x:%02x", ip[0], ip[1], ip[2], ip[3]), a.mac());
    assertEquals(MacAddress.of(a.ip()).toString(), manager.getAttachment(NS, "mac-0", "macs").mac());
    manager.detach(NS, "mac-0", "");
    manager.deleteNetwork("macs");
  }

  @Test
  void aRequestedMacAddressIsTheInterfacesOnABridgeOnly() {
    AttachmentInfo a = manager.attach(NS, new AttachSpec("mac-1", DEFAULT, "", "", "", "02:42:AC:11:00:99", List.of(),
        "", "", List.of(), Dns.NONE, List.of(), Map.of()));
    assertEquals("02:42:ac:11:00:99", a.mac());
    assertEquals("02:42:ac:11:00:99", manager.getAttachment(NS, "mac-1", DEFAULT).mac());
    for (String bad : List.of("02:42:ac:11:00", "02-42-ac-11-00-99", "zz:42:ac:11:00:99", "01:00:5e:00:00:01")) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("mac-2", DEFAULT, "", "", "",
          bad, List.of(), "", "", List.of(), Dns.NONE, List.of(), Map.of())));
    }
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.attach(NS, new AttachSpec("mac-3", "host", "", "", "",
        "02:42:ac:11:00:98", List.of(), "", "", List.of(), Dns.NONE, List.of(), Map.of())));
    assertEquals(List.of(a), manager.listAttachments(NS, Filter.parse(List.of())), "refusals attach nothing");
  }

  @Test
  void hostNoneAndSharedModesHaveNoAddressOfTheirOwn() {
    AttachmentInfo web = manager.attach(NS, attach("web", DEFAULT));
    AttachmentInfo host = manager.attach(NS, attach("h", "host"));
    assertEquals(Mode.HOST, host.mode());
    assertNull(host.ip());
    assertFalse(host.netns().isEmpty(), "the host's namespace is named");
    AttachmentInfo none = manager.attach(NS, attach("n", "none"));
    assertEquals(Mode.NONE, none.mode());
    assertNull(none.ip());
    AttachmentInfo side = manager.attach(NS, attach("side", "container:web"));
    assertEquals(Mode.CONTAINER, side.mode());
    assertEquals(web.ip(), side.ip());
    assertEquals(web.netns(), side.netns());
    assertEquals(List.of("web", "side"),
        containerIds(manager.listAttachments(NS, Filter.parse(List.of("mode==bridge", "mode==container")))));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> manager.attach(NS, attach("h", DEFAULT)));
  }

  // ---- stats ----

  @Test
  void statsNameTheInterfacesInTheContainersNamespace() {
    manager.createNetwork(network("blue", "10.201.0.0/24"));
    manager.attach(NS, attach("c", DEFAULT));
    manager.attach(NS, attach("c", "blue"));
    manager.attach(NS, attach("side", "container:c"));
    manager.attach(NS, attach("h", "host"));
    manager.attach(NS, attach("n", "none"));
    Instant before = Instant.now();
    NetworkStats c = manager.stats(NS, "c");
    assertEquals(List.of("eth0", "eth1"), interfaceNames(c));
    assertFalse(c.timestamp().isBefore(before), c.timestamp() + " is before the call");
    assertEquals(List.of("eth0", "eth1"), interfaceNames(manager.stats(NS, "side")), "the shared namespace's");
    assertEquals(List.of(), manager.stats(NS, "h").interfaces(), "the host's traffic is not the container's");
    assertEquals(List.of(), manager.stats(NS, "n").interfaces(), "loopback is not counted");

    manager.detach(NS, "c", "blue");
    assertEquals(List.of("eth0"), interfaceNames(manager.stats(NS, "c")));
    assertCode(Status.Code.NOT_FOUND, () -> manager.stats(NS, "absent"));
    assertCode(Status.Code.NOT_FOUND, () -> manager.stats("elsewhere", "c"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> manager.stats(NS, "Bad ID!"));
    manager.detach(NS, "side", "");
    manager.detach(NS, "c", "");
    assertCode(Status.Code.NOT_FOUND, () -> manager.stats(NS, "c"));
  }

  private static List<String> interfaceNames(NetworkStats stats) {
    return stats.interfaces().stream().map(InterfaceStats::name).toList();
  }

  private List<String> networkNames() {
    return manager.listNetworks(Filter.parse(List.of())).stream().map(NetworkInfo::name).toList();
  }

  private static List<String> containerIds(List<AttachmentInfo> attachments) {
    return attachments.stream().map(AttachmentInfo::containerId).toList();
  }

  private static NetworkSpec network(String name, String subnet) {
    return new NetworkSpec(name, "", subnet, "", "", 0, null, false, Map.of());
  }

  private static AttachSpec attach(String containerId, String network) {
    return attach(containerId, network, "");
  }

  private static AttachSpec attach(String containerId, String network, String ip) {
    return new AttachSpec(containerId, network, "", "", ip, "", List.of(), "", "", List.of(), Dns.NONE, List.of(),
        Map.of());
  }

  private static AttachSpec attach6(String containerId, String network, String ip6) {
    return new AttachSpec(containerId, network, "", "", "", "", List.of(), "", "", List.of(), Dns.NONE, List.of(),
        Map.of(), ip6, List.of());
  }

  private static AttachSpec withPorts(String containerId, PortMapping... ports) {
    return withPorts(containerId, DEFAULT, ports);
  }

  private static AttachSpec withPorts(String containerId, String network, PortMapping... ports) {
    return new AttachSpec(containerId, network, "", "", "", "", List.of(ports), "", "", List.of(), Dns.NONE,
        List.of(), Map.of());
  }

  private static void assertCode(Status.Code code, Executable call) {
    BerthException e = assertThrows(BerthException.class, call);
    assertEquals(code, e.code(), e.getMessage());
  }
}
