package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import berth.network.v1.PortMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsColumnTest {
  private static PortMapping port(String ip, int host, int container, String protocol) {
    return PortMapping.newBuilder().setHostIp(ip).setHostPort(host).setContainerPort(container).setProtocol(protocol)
        .build();
  }

  @Test
  void consecutivePortsPublishedToConsecutivePortsAreOneRange() {
    assertEquals("0.0.0.0:8080-8082->80-82/tcp", PortsColumn.of(List.of(
        port("", 8082, 82, "tcp"), port("", 8080, 80, ""), port("", 8081, 81, "tcp")), List.of()));
  }

  @Test
  void gapsAddressesAndProtocolsSplitRanges() {
    assertEquals("0.0.0.0:8080->80/tcp, 0.0.0.0:8082->81/tcp, 0.0.0.0:5353->53/udp, 127.0.0.1:8081->81/tcp",
        PortsColumn.of(List.of(port("127.0.0.1", 8081, 81, "tcp"), port("", 5353, 53, "udp"),
            port("", 8082, 81, "tcp"), port("", 8080, 80, "tcp")), List.of()));
    assertEquals("", PortsColumn.of(List.of(), List.of()));
  }

  @Test
  void ipv6HostAddressesAreInBracketsAfterTheIpv4OnesAsDockersCliShowsThem() {
    assertEquals("0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
        PortsColumn.of(List.of(port("::", 8080, 80, "tcp"), port("0.0.0.0", 8080, 80, "tcp")), List.of()));
    assertEquals("[::]:8080-8081->80-81/tcp",
        PortsColumn.of(List.of(port("::", 8081, 81, "tcp"), port("::", 8080, 80, "tcp")), List.of()));
  }

  @Test
  void exposedPortsNotPublishedComeFirstAsDockersCliShowsThem() {
    assertEquals("80/tcp", PortsColumn.of(List.of(), List.of("80/tcp")));
    // published ones are shown once, as published
    assertEquals("443/tcp, 0.0.0.0:8080->80/tcp",
        PortsColumn.of(List.of(port("", 8080, 80, "tcp")), List.of("80/tcp", "443/tcp")));
    // consecutive ports of one protocol are one range; a gap ends it, each protocol's last run comes last
    assertEquals("8000-8002/tcp, 53/udp, 9000/tcp",
        PortsColumn.of(List.of(), List.of("9000/tcp", "8001/tcp", "53/udp", "8000/tcp", "8002/tcp")));
    assertEquals("53/tcp, 53/udp", PortsColumn.of(List.of(), List.of("53/udp", "53/tcp")));
  }
}
