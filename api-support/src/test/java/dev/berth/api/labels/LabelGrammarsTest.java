package dev.berth.api.labels;

import static dev.berth.api.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grammars of the label values and of the flags they come from: good values parsed, bad ones
 * named in the error.
 */
class LabelGrammarsTest {
  @Test
  void portMappings() {
    assertEquals(new PortSpec("", 8080, 80, "tcp"), PortSpec.parse("8080:80"));
    assertEquals(new PortSpec("", 0, 80, "tcp"), PortSpec.parse("80"));
    assertEquals(new PortSpec("", 0, 53, "udp"), PortSpec.parse("53/udp"));
    assertEquals(new PortSpec("127.0.0.1", 8080, 80, "udp"), PortSpec.parse("127.0.0.1:8080:80/udp"));
    assertEquals(new PortSpec("127.0.0.1", 0, 80, "tcp"), PortSpec.parse("127.0.0.1::80"));
    assertEquals(new PortSpec("::1", 8080, 80, "tcp"), PortSpec.parse("[::1]:8080:80"));
    assertEquals(new PortSpec("", 8080, 80, "tcp"), PortSpec.parse("8080:80/TCP"));
    assertEquals("127.0.0.1:8080:80/udp", PortSpec.parse("127.0.0.1:8080:80/udp").toString());
    assertEquals("80/tcp", PortSpec.parse("80").toString());
    assertEquals("[::1]::80/tcp", PortSpec.parse("[::1]::80").toString());
    assertEquals(new PortSpec("::ffff:127.0.0.1", 8088, 80, "tcp"), PortSpec.parse("[::ffff:127.0.0.1]:8088:80"));
  }

  @Test
  void portRangesAsDockerTakesThem() {
    assertEquals(List.of(new PortSpec("", 8084, 80, "tcp"), new PortSpec("", 8085, 81, "tcp")),
        PortSpec.parseRange("8084-8085:80-81"));
    assertEquals(List.of(new PortSpec("127.0.0.1", 0, 53, "udp"), new PortSpec("127.0.0.1", 0, 54, "udp")),
        PortSpec.parseRange("127.0.0.1::53-54/udp"));
    assertEquals(List.of(new PortSpec("", 8080, 80, "tcp")), PortSpec.parseRange("8080:80"));
    for (String bad : List.of("8000-8001:80", "8000-8002:80-81", "81-80", "0-1:80-81", "80-", "-80", "8080:80-x")) {
      refused(PortSpec::parseRange, bad);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "http", "8080:", "0", "70000:80", "8080:80/sctp", "8080:80/", "1.2.3:8080:80",
      "localhost:8080:80", "1:2:3:4", "8000-8001:80", "[::1:8080:80", "[nothost]:1:2", "+80", "80:-1"})
  void badPortMappings(String text) {
    refused(PortSpec::parse, text);
  }

  @Test
  void hostEntries() {
    assertEquals(new HostEntrySpec("db", "10.0.0.5"), HostEntrySpec.parse("db:10.0.0.5"));
    assertEquals(new HostEntrySpec("db.local", "10.0.0.5"), HostEntrySpec.parse("db.local=10.0.0.5"));
    assertEquals(new HostEntrySpec("v6", "::1"), HostEntrySpec.parse("v6:::1"));
    assertEquals(new HostEntrySpec("v6", "fe80::1"), HostEntrySpec.parse("v6:[fe80::1]"));
    assertEquals(new HostEntrySpec("gw", "host-gateway"), HostEntrySpec.parse("gw:host-gateway"));
    assertEquals("10.0.0.5\tdb", HostEntrySpec.parse("db:10.0.0.5").hostsLine());
  }

  @ParameterizedTest
  @ValueSource(strings = {"db", ":10.0.0.1", "db:", "db:example.com", "db:300.1.1.1", "bad name:1.2.3.4", "db:1.2.3"})
  void badHostEntries(String text) {
    refused(HostEntrySpec::parse, text);
  }

  @Test
  void restartPolicies() {
    assertEquals(new RestartPolicy(RestartPolicy.Mode.NO, 0), RestartPolicy.parse("no"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ALWAYS, 0), RestartPolicy.parse("always"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.UNLESS_STOPPED, 0), RestartPolicy.parse("unless-stopped"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 0), RestartPolicy.parse("on-failure"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 3), RestartPolicy.parse("on-failure:3"));
    assertEquals("on-failure:3", RestartPolicy.parse("on-failure:3").toString());
    assertEquals("unless-stopped", RestartPolicy.parse("unless-stopped").toString());
  }

  @Test
  void portMappingsInTheLabelForm() {
    assertEquals(new PortSpec("", 18080, 80, "tcp"), PortSpec.parseLabel("18080:80"));
    assertEquals(new PortSpec("127.0.0.1", 5353, 53, "udp"), PortSpec.parseLabel(" 127.0.0.1:5353:53/udp "));
    assertEquals(new PortSpec("", 0, 80, "tcp"), PortSpec.parseLabel("0:80/tcp"));
    for (String flag : new String[] {"8080:80", "127.0.0.1:8080:80/udp", "80", "127.0.0.1::80", "[::1]:8080:80"}) {
      PortSpec m = PortSpec.parse(flag);
      assertEquals(m, PortSpec.parseLabel(m.labelValue()), flag);
    }
    assertEquals("127.0.0.1:0:80/tcp", PortSpec.parse("127.0.0.1::80").labelValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"80", "", "a:80", "80:b", "1:2:3:4", "65536:80", "80:0", "80:65536", "80:80/sctp",
      "80:80/", "1.2.3:80:80", "123456:80", ":80", "127.0.0.1::80", "[::1]:80"})
  void badPortMappingsInTheLabelForm(String text) {
    refused(PortSpec::parseLabel, text);
  }

  @Test
  void hostEntriesInTheLabelForm() {
    assertEquals("db:10.0.0.5", HostEntrySpec.parse("db=10.0.0.5").labelValue());
    assertEquals(new HostEntrySpec("v6", "fe80::1"),
        HostEntrySpec.parse(HostEntrySpec.parse("v6:[fe80::1]").labelValue()));
  }

  @Test
  void lists() {
    assertEquals(List.of("example.com", "corp.example"), LabelLists.split(" example.com, corp.example"));
    assertEquals(List.of("80:80", "", ""), LabelLists.split("80:80,,"));
    assertEquals(List.of(), LabelLists.split(" "));
    assertEquals(List.of(), LabelLists.split(null));
    assertEquals("192.0.2.1,192.0.2.2", LabelLists.join(List.of("192.0.2.1", "192.0.2.2")));
    assertNull(LabelLists.join(List.of()));
  }

  @Test
  void connectedNetworksRoundTripInNameOrder() {
    ConnectedNetwork api = new ConnectedNetwork("api", "10.90.0.7", List.of("web", "www"));
    ConnectedNetwork db = new ConnectedNetwork("db", "", List.of());
    assertEquals("io.berth.connected.api", api.labelKey());
    assertEquals("ip=10.90.0.7,alias=web,alias=www", api.labelValue());
    assertEquals("ip=", db.labelValue());
    assertEquals(List.of("keeper", "web", "www"), api.peerNames("keeper"));
    assertEquals(List.of(), db.peerNames(""));
    assertEquals(List.of(api, db), ConnectedNetwork.of(java.util.Map.of(db.labelKey(), db.labelValue(),
        api.labelKey(), api.labelValue(), ContainerLabels.NETWORK, "bridge")));
    refused(v -> ConnectedNetwork.of(java.util.Map.of("io.berth.connected.api", v)), "ip=10.90.0.7,web");
  }

  @Test
  void aConnectedNetworkKeepsTheHostsEntriesOfItsLinks() {
    ConnectedNetwork linked = new ConnectedNetwork("api", "", "", List.of("web"),
        List.of(new HostEntrySpec("database", "10.90.0.3"), new HostEntrySpec("db", "10.90.0.3")), false);
    assertEquals("ip=,alias=web,host=database:10.90.0.3,host=db:10.90.0.3", linked.labelValue());
    assertEquals(List.of(linked), ConnectedNetwork.of(java.util.Map.of(linked.labelKey(), linked.labelValue())));
    refused(v -> ConnectedNetwork.of(java.util.Map.of("io.berth.connected.api", v)), "host=db:nowhere");
  }

  @Test
  void aConnectedNetworkKeepsItsIpv6AddressBesideItsIpv4One() {
    ConnectedNetwork six = new ConnectedNetwork("v6", "", "fd00:db8:1::42", List.of("web"), List.of(), false);
    assertEquals("ip=,ip6=fd00:db8:1::42,alias=web", six.labelValue());
    assertEquals(List.of(six), ConnectedNetwork.of(java.util.Map.of(six.labelKey(), six.labelValue())));
    assertEquals("", ConnectedNetwork.of(java.util.Map.of("io.berth.connected.v6", "ip=10.90.0.7")).get(0).ip6());
  }

  @Test
  void aConnectedNetworkKeepsItsLinkLocalAddressesAsAnIpamConfigInALabelAnOlderBerthdLeavesAlone() {
    ConnectedNetwork ll = new ConnectedNetwork("api", "", "", List.of("169.254.1.5", "fe80::5"), List.of("web"),
        List.of(), false);
    assertTrue(ll.ipamConfig());
    // the connected label holds only the items an older berthd reads
    assertEquals(java.util.Map.of("io.berth.connected.api", "ip=,ip6=,alias=web",
        "io.berth.link-local-ips.api", "169.254.1.5,fe80::5"), ll.labels());
    assertEquals(List.of(ll), ConnectedNetwork.of(ll.labels()));
    assertEquals(java.util.Map.of("io.berth.connected.api", "ip=,ip6=,alias=web"),
        new ConnectedNetwork("api", "", "", List.of("web"), List.of(), true).labels());
    assertEquals(java.util.Map.of("io.berth.connected.api", "", "io.berth.link-local-ips.api", ""),
        ConnectedNetwork.removal("api"));
    refused(ip -> new ConnectedNetwork("m6", "", "", List.of(ip), List.of(), List.of(), false),
        "169.254.1.5,ip=10.241.0.66");
  }

  @Test
  void aConnectedNetworkKeepsWhetherAnIpamConfigWasGivenWithoutAddresses() {
    ConnectedNetwork connected = new ConnectedNetwork("api", "", "", List.of("web"), List.of(), true);
    assertEquals("ip=,ip6=,alias=web", connected.labelValue());
    assertEquals(List.of(connected), ConnectedNetwork.of(java.util.Map.of(connected.labelKey(), connected.labelValue())));
    assertFalse(ConnectedNetwork.of(java.util.Map.of("io.berth.connected.api", "ip=,alias=web")).get(0).ipamConfig());
    assertTrue(ConnectedNetwork.of(java.util.Map.of("io.berth.connected.api", "ip=10.90.0.7")).get(0).ipamConfig(),
        "an address given is an IPAM config");
    assertEquals("ip=10.90.0.7", new ConnectedNetwork("api", "10.90.0.7", "", List.of(), List.of(), true).labelValue());
  }

  @Test
  void aConnectedNetworkRefusesValuesThatWouldAddItemsOfTheirOwn() {
    refused(ip -> new ConnectedNetwork("m6", ip, "", List.of(), List.of(), false), "10.241.0.9,ip6=fd00:bb::99,alias=evil");
    refused(ip6 -> new ConnectedNetwork("m6", "", ip6, List.of(), List.of(), false), "fd00:bb::1,ip=10.241.0.66");
    refused(alias -> new ConnectedNetwork("m6", "", "", List.of(alias), List.of(), false), "x,ip6=fd00:bb::99");
    refused(alias -> new ConnectedNetwork("m6", "", "", List.of(alias), List.of(), false), "x=y");
    refused(alias -> new ConnectedNetwork("m6", "", "", List.of(alias), List.of(), false), "two words");
    refused(alias -> new ConnectedNetwork("m6", "", "", List.of(alias), List.of(), false), "semi;colon");
    refused(alias -> new ConnectedNetwork("m6", "", "", List.of(alias), List.of(), false), "tab\there");
    refused(item -> new ConnectedNetwork("m6", "", "", List.of(),
        List.of(new HostEntrySpec(item.substring(0, item.lastIndexOf(':')), "10.0.0.2")), false), "db,ip=10.241.0.66:10.0.0.2");
    refused(ip -> ConnectedNetwork.of(java.util.Map.of("io.berth.connected.m6", "ip=" + ip)), "nowhere");
    assertEquals("web.front-1_a", NetworkAliases.checked("web.front-1_a"));
  }
}
