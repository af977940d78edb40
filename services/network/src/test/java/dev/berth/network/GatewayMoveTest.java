package dev.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.PortMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayMoveTest {
  private static final PortMapping.Protocol TCP = PortMapping.Protocol.TCP;

  @Test
  void portsBoundOnEveryFamilyAreAskedForOnEveryFamilyOfTheNextGateway() {
    PortMapping v4 = new PortMapping(PortMapping.ANY, 8080, 80, TCP);
    PortMapping v6 = new PortMapping(Ipv6.ANY, 8080, 80, TCP);
    PortMapping loopback = new PortMapping(Ipv4.parse("host ip", "127.0.0.1"), 8081, 81, TCP);
    assertEquals(List.of(v4.withHostIp(null), loopback), GatewayMove.asked(List.of(v4, v6, loopback), true));
    // without IPv6, 0.0.0.0 alone is what -p 8080:80 binds
    assertEquals(List.of(v4.withHostIp(null)), GatewayMove.asked(List.of(v4), false));
    // with IPv6, 0.0.0.0 alone was asked for as such
    assertEquals(List.of(v4), GatewayMove.asked(List.of(v4), true));
    assertEquals(List.of(v6), GatewayMove.asked(List.of(v6), true));
  }
}
