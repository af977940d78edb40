package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import berth.network.v1.PortMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strings are Docker 27's CLI's for the same ports. */
class PortsColumnTest {
  private static PortMapping port(String ip, int host, int container, String protocol) {
    return PortMapping.newBuilder().setHostIp(ip).setHostPort(host).setContainerPort(container).setProtocol(protocol)
        .build();
  }

  @Test
  void portsPublishedOnBothFamiliesAreInOrderOfContainerPortWithOtherNumbersLast() {
    // run --network n6 -p 8081:8081 -p 9000:90/udp
    assertEquals("0.0.0.0:8081->8081/tcp, :::8081->8081/tcp, 0.0.0.0:9000->90/udp, [::]:9000->90/udp",
        PortsColumn.of(List.of(port("0.0.0.0", 8081, 8081, "tcp"), port("0.0.0.0", 9000, 90, "udp"),
            port("::", 8081, 8081, "tcp"), port("::", 9000, 90, "udp")), List.of()));
    assertEquals("0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
        PortsColumn.of(List.of(port("::", 8080, 80, "tcp"), port("0.0.0.0", 8080, 80, "tcp")), List.of()));
  }

  @Test
  void onlyConsecutivePortsPublishedToTheSameNumbersAreOneRange() {
    assertEquals("0.0.0.0:8080-8082->8080-8082/tcp", PortsColumn.of(List.of(
        port("", 8082, 8082, "tcp"), port("", 8080, 8080, ""), port("", 8081, 8081, "tcp")), List.of()));
    assertEquals(":::8080-8081->8080-8081/tcp",
        PortsColumn.of(List.of(port("::", 8081, 8081, "tcp"), port("::", 8080, 8080, "tcp")), List.of()));
    // -p 8080-8081:80-81: a port apiece
    assertEquals("0.0.0.0:8080->80/tcp, 0.0.0.0:8081->81/tcp",
        PortsColumn.of(List.of(port("", 8081, 81, "tcp"), port("", 8080, 80, "tcp")), List.of()));
  }

  @Test
  void gapsAddressesAndProtocolsSplitRanges() {
    assertEquals("1.2.3.4:9998-9999->9998-9999/udp",
        PortsColumn.of(List.of(port("1.2.3.4", 9999, 9999, "udp"), port("1.2.3.4", 9998, 9998, "udp")), List.of()));
    assertEquals("1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp",
        PortsColumn.of(List.of(port("1.2.3.4", 8888, 9999, "udp"), port("1.2.3.4", 8887, 9998, "udp")), List.of()));
    // a gap ends a run at once; each group's last run follows, in the order the groups were first met
    assertEquals("0.0.0.0:80->80/tcp, 0.0.0.0:53->53/udp, 0.0.0.0:82->82/tcp, 127.0.0.1:81->81/tcp",
        PortsColumn.of(List.of(port("127.0.0.1", 81, 81, "tcp"), port("", 53, 53, "udp"),
            port("", 82, 82, "tcp"), port("", 80, 80, "tcp")), List.of()));
    assertEquals("4.3.2.1:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp",
        PortsColumn.of(List.of(port("1.2.3.4", 8899, 9988, "udp"), port("1.2.3.4", 8899, 9988, "tcp"),
            port("4.3.2.1", 3322, 2233, "tcp")), List.of()));
    assertEquals("", PortsColumn.of(List.of(), List.of()));
  }

  @Test
  void exposedPortsNotPublishedTakeTheirPlaceByContainerPort() {
    assertEquals("80/tcp", PortsColumn.of(List.of(), List.of("80/tcp")));
    // published ones are shown once, as published
    assertEquals("443/tcp, 0.0.0.0:8080->80/tcp",
        PortsColumn.of(List.of(port("", 8080, 80, "tcp")), List.of("80/tcp", "443/tcp")));
    assertEquals("0.0.0.0:80->80/tcp, 443/tcp",
        PortsColumn.of(List.of(port("", 80, 80, "tcp")), List.of("80/tcp", "443/tcp")));
    // consecutive ports of one protocol are one range; a gap ends it, each protocol's last run comes last
    assertEquals("8000-8002/tcp, 53/udp, 9000/tcp",
        PortsColumn.of(List.of(), List.of("9000/tcp", "8001/tcp", "53/udp", "8000/tcp", "8002/tcp")));
    assertEquals("53/tcp, 53/udp", PortsColumn.of(List.of(), List.of("53/udp", "53/tcp")));
    assertEquals("81/tcp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, "
            + "1.1.1.1:80->1024/udp",
        PortsColumn.of(List.of(port("1.1.1.1", 80, 1024, "tcp"), port("1.1.1.1", 80, 1024, "udp"),
            port("1.1.1.1", 1024, 80, "tcp"), port("1.1.1.1", 1024, 80, "udp")), List.of("12345/sctp", "81/tcp")));
  }
}
