package dev.berth.network.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.PortMapping;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class PortSpecsTest {
  @Test
  void parsesTheLabelSyntax() {
    assertEquals("80/tcp -> 0.0.0.0:18080", PortSpecs.parse("0.0.0.0:18080:80").toString());
    assertEquals("80/tcp -> [::]:18080", PortSpecs.parse("[::]:18080:80").toString());
    assertEquals(null, PortSpecs.parse("18080:80").hostIp(), "no host IP: every family the container has");
    assertEquals("53/udp -> 127.0.0.1:5353", PortSpecs.parse("127.0.0.1:5353:53/udp").toString());
    assertEquals("80/tcp -> *:0", PortSpecs.parse("0:80/tcp").toString());
    PortMapping m = PortSpecs.of("", 0, 443, "");
    assertEquals(PortMapping.Protocol.TCP, m.protocol());
    assertEquals(null, m.hostIp());
  }

  @Test
  void aMappingWithoutHostIpIsPublishedOnEachFamilyTheContainerHas() {
    PortMapping any = PortSpecs.parse("8080:80");
    assertEquals("[80/tcp -> 0.0.0.0:8080, 80/tcp -> [::]:8080]", PortSpecs.perFamily(any, true, "n").toString());
    assertEquals("[80/tcp -> 0.0.0.0:8080]", PortSpecs.perFamily(any, false, "n").toString());
    assertEquals("[80/tcp -> 127.0.0.1:8080]",
        PortSpecs.perFamily(PortSpecs.parse("127.0.0.1:8080:80"), true, "n").toString());
    assertEquals("[80/tcp -> [2001:db8::1]:8080]",
        PortSpecs.perFamily(PortSpecs.parse("[2001:db8::1]:8080:80"), true, "n").toString());
    BerthException noIpv6 = assertThrows(BerthException.class,
        () -> PortSpecs.perFamily(PortSpecs.parse("[::]:8080:80"), false, "bridge"));
    assertEquals(Status.Code.INVALID_ARGUMENT, noIpv6.code());
    BerthException loopback = assertThrows(BerthException.class, () -> PortSpecs.parse("[::1]:8080:80"));
    assertEquals(Status.Code.INVALID_ARGUMENT, loopback.code());
  }

  @Test
  void refusesHostIpsNoRuleCanPublishOn() {
    for (String ip : new String[] {"::1", "fe80::1", "febf::1", "ff02::1", "224.0.0.1", "239.1.2.3",
        "255.255.255.255"}) {
      BerthException e = assertThrows(BerthException.class, () -> PortSpecs.of(ip, 8080, 80, "tcp"), ip);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), ip);
      assertTrue(e.getMessage().contains("host IP " + ip + " cannot be published: "), e.getMessage());
    }
    assertTrue(assertThrows(BerthException.class, () -> PortSpecs.parse("[fe80::1]:8086:80")).getMessage()
        .contains("link-local"));
    // a global address beside them, and IPv4's link-local, which needs no interface
    assertEquals("80/tcp -> [fec0::1]:8080", PortSpecs.of("fec0::1", 8080, 80, "").toString());
    assertEquals("80/tcp -> 169.254.1.1:8080", PortSpecs.of("169.254.1.1", 8080, 80, "").toString());
  }

  @Test
  void anIpv4MappedHostIpIsTheIpv4AddressAsDockersDaemonTakesIt() {
    PortMapping m = PortSpecs.of("::ffff:127.0.0.1", 8080, 80, "tcp");
    assertEquals(Ipv4.parse("ip", "127.0.0.1"), m.hostIp());
    assertEquals("[80/tcp -> 127.0.0.1:8080]", PortSpecs.perFamily(m, false, "bridge").toString());
  }

  @Test
  void refusesMalformedSpecs() {
    for (String bad : new String[] {"80", "", "a:80", "80:b", "1:2:3:4", "65536:80", "80:0", "80:65536",
        "80:80/sctp", "80:80/", "1.2.3:80:80", "123456:80", " : "}) {
      BerthException e = assertThrows(BerthException.class, () -> PortSpecs.parse(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), bad);
    }
  }
}
