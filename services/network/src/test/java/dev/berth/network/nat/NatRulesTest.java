package dev.berth.network.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.Subnet;
import dev.berth.network.ports.PortSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NatRulesTest {
  static final NetworkInfo BRIDGE = network("bridge", "10.88.0.0/16", "berth0", false);
  static final NetworkInfo INTERNAL = network("secret", "10.90.0.0/24", "br-secret", true);

  @Test
  void withNothingAttachedTheBatchOnlyRemovesTheTables() {
    assertEquals("table ip6 berth {}\ndelete table ip6 berth\ntable ip berth {}\ndelete table ip berth\n",
        NatRules.render(List.of(BRIDGE), List.of()));
  }

  @Test
  void rendersMasqueradeAndPublishedPorts() {
    String batch = NatRules.render(List.of(BRIDGE, INTERNAL), List.of(
        attachment("web", BRIDGE, "10.88.0.2", List.of(PortSpecs.parse("0.0.0.0:18080:80"),
            PortSpecs.parse("127.0.0.1:5353:53/udp"))),
        attachment("db", INTERNAL, "10.90.0.2", List.of())));
    assertTrue(batch.startsWith("table ip6 berth {}\ndelete table ip6 berth\ntable ip berth {}\ndelete table ip berth\n"
        + "table ip berth {\n"), batch);
    assertTrue(batch.contains("\t\tfib daddr type local jump published\n"), batch);
    assertTrue(batch.contains("\t\ttcp dport 18080 dnat to 10.88.0.2:80 comment \"default/web\"\n"), batch);
    assertTrue(batch.contains("\t\tip daddr 127.0.0.1 udp dport 5353 dnat to 10.88.0.2:53 comment \"default/web\"\n"),
        batch);
    assertTrue(batch.contains("ip saddr 10.88.0.0/16 oifname != \"berth0\" masquerade"), batch);
    assertTrue(batch.contains("ip saddr 127.0.0.0/8 oifname \"berth0\" masquerade"), batch);
    // Internal: no masquerade, traffic confined to the bridge.
    assertTrue(!batch.contains("10.90.0.0/24 oifname != \"br-secret\" masquerade"), batch);
    assertTrue(batch.contains("iifname \"br-secret\" oifname != \"br-secret\" drop"), batch);
  }

  @Test
  void aNetworkWithoutIccHasItsBridgeForwardNothingFromItsPortsAndTheTableGoesWithIt() {
    NetworkInfo lonely = network("lonely", "10.92.0.0/24", "br-lonely", false, false);
    String batch = NatRules.render(List.of(BRIDGE, lonely), List.of(
        attachment("a", lonely, "10.92.0.2", List.of()), attachment("b", BRIDGE, "10.88.0.2", List.of())));
    assertTrue(batch.startsWith("table bridge berth {}\ndelete table bridge berth\ntable bridge berth {\n"), batch);
    assertTrue(batch.contains("\t\tmeta mark & 0x00400000 == 0x00400000 meta mark set meta mark and 0xffbfffff accept "
        + "comment \"published ports\"\n"
        + "\t\tiifname { \"vb0\" } drop comment \"no icc on network lonely\"\n"), "published ports first: " + batch);
    assertTrue(batch.contains("masquerade comment \"network lonely\""), "still reaches the outside: " + batch);
    assertTrue(batch.contains("\t\tiifname \"br-lonely\" oifname \"br-lonely\" ct status dnat "
        + "meta mark set meta mark and 0xffbfffff accept comment "
        + "\"published ports on network lonely\"\n"
        + "\t\tiifname \"br-lonely\" oifname \"br-lonely\" drop comment \"no icc on network lonely\"\n"),
        "nothing routed between its subnets either, but to published ports: " + batch);
    assertFalse(batch.contains("iifname \"berth0\" oifname \"berth0\""), "a network with ICC routes: " + batch);
    String published = NatRules.render(List.of(BRIDGE, lonely), List.of(
        attachment("a", lonely, "10.92.0.2", List.of(PortSpecs.parse("0.0.0.0:8080:80")))));
    assertTrue(published.contains("\t\tiifname \"br-lonely\" ct status dnat fib daddr oifname \"br-lonely\" "
        + "meta mark set meta mark or 0x00400000 comment \"published ports on network lonely\"\n"),
        "marked for table bridge berth only when it goes back out of the bridge: " + published);
    assertEquals(1, published.split("meta mark or ", -1).length - 1, "marked in prerouting only: " + published);
    assertEquals(2, published.split("meta mark and 0xffbfffff", -1).length - 1,
        "cleared where bridged (table bridge berth) and where routed (ip berth's forward): " + published);
    assertFalse(batch.contains("mark-published"), "nothing to mark without published ports: " + batch);
    assertEquals("table bridge berth {}\ndelete table bridge berth\ntable ip6 berth {}\ndelete table ip6 berth\n"
        + "table ip berth {}\ndelete table ip berth\n",
        NatRules.render(List.of(BRIDGE, lonely), List.of()));
    assertTrue(!NatRules.render(List.of(BRIDGE), List.of(attachment("b", BRIDGE, "10.88.0.2", List.of())))
        .contains("bridge berth"), "untouched without such a network");
  }

  @Test
  void dropsForwardingBetweenNetworksInUse() {
    NetworkInfo web = network("web", "10.91.0.0/24", "br-web", false);
    String batch = NatRules.render(List.of(BRIDGE, web, INTERNAL), List.of(
        attachment("a", BRIDGE, "10.88.0.2", List.of()), attachment("b", web, "10.91.0.2", List.of())));
    assertTrue(batch.contains("type filter hook forward priority filter; policy accept;"), batch);
    assertTrue(batch.contains("iifname \"berth0\" oifname { \"br-web\" } drop comment \"isolate network bridge\""),
        batch);
    assertTrue(batch.contains("iifname \"br-web\" oifname { \"berth0\" } drop comment \"isolate network web\""), batch);
    assertTrue(!batch.contains("br-secret"), "a network nothing is attached to has no rules: " + batch);
  }

  @Test
  void leavesOutNetworksWithoutAttachmentsAndModesWithoutInterfaces() {
    String batch = NatRules.render(List.of(BRIDGE, INTERNAL), List.of(attachment("web", BRIDGE, "10.88.0.2",
        List.of())));
    assertTrue(!batch.contains("secret") && !batch.contains("published"), batch);
  }

  static NetworkInfo network(String name, String subnet, String bridge, boolean internal) {
    return network(name, subnet, bridge, internal, true);
  }

  static NetworkInfo network(String name, String subnet, String bridge, boolean internal, boolean icc) {
    Subnet s = Subnet.parse(subnet);
    return new NetworkInfo(name, "bridge", s, s.firstHost(), bridge, 1500, true, internal, Map.of(), Instant.EPOCH,
        name.equals("bridge"), NetworkInfo.newId(), null, icc);
  }

  static AttachmentInfo attachment(String id, NetworkInfo n, String ip, List<PortMapping> ports) {
    return new AttachmentInfo("default", id, n.name(), Mode.BRIDGE, "/run/x", true, "eth0", "vb0", "",
        Ipv4.parse("ip", ip), n.subnet(), n.gateway(), true, "", id, "", List.of(), ports, Dns.NONE, List.of(),
        Path.of("/run/x"), Map.of(), Instant.EPOCH);
  }
}
