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
        port("", 8082, 82, "tcp"), port("", 8080, 80, ""), port("", 8081, 81, "tcp"))));
  }

  @Test
  void gapsAddressesAndProtocolsSplitRanges() {
    assertEquals("0.0.0.0:8080->80/tcp, 0.0.0.0:8082->81/tcp, 0.0.0.0:5353->53/udp, 127.0.0.1:8081->81/tcp",
        PortsColumn.of(List.of(port("127.0.0.1", 8081, 81, "tcp"), port("", 5353, 53, "udp"),
            port("", 8082, 81, "tcp"), port("", 8080, 80, "tcp"))));
    assertEquals("", PortsColumn.of(List.of()));
  }
}
