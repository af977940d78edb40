package dev.berth.network.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.PortMapping;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class PortSpecsTest {
  @Test
  void parsesTheLabelSyntax() {
    assertEquals("80/tcp -> 0.0.0.0:18080", PortSpecs.parse("18080:80").toString());
    assertEquals("53/udp -> 127.0.0.1:5353", PortSpecs.parse("127.0.0.1:5353:53/udp").toString());
    assertEquals("80/tcp -> 0.0.0.0:0", PortSpecs.parse("0:80/tcp").toString());
    PortMapping m = PortSpecs.of("", 0, 443, "");
    assertEquals(PortMapping.Protocol.TCP, m.protocol());
    assertEquals(PortMapping.ANY, m.hostIp());
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
