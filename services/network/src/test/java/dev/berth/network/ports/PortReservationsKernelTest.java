package dev.berth.network.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.PortMapping.Protocol;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reservations bound on the kernel's sockets, in the test process's own network namespace. */
class PortReservationsKernelTest {
  private final PortReservations reservations = new PortReservations();

  @AfterEach
  void cleanUp() {
    reservations.close();
  }

  /** A TCP port free on 0.0.0.0 now. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aFailureOnTheSecondAddressGivesTheFirstItsPortBack() throws IOException {
    int port = freePort();
    PortMapping v4 = new PortMapping(PortMapping.ANY, port, 80, Protocol.TCP);
    // a mapping that fails with no refusal of its own (no host IP, which the callers never pass)
    assertThrows(RuntimeException.class,
        () -> reservations.reserveTogether(List.of(v4, new PortMapping(null, port, 80, Protocol.TCP))));
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("0.0.0.0", port));
    }
    assertEquals(List.of(v4, v4.withHostIp(Ipv6.ANY)), reservations.reserveTogether(List.of(v4, v4.withHostIp(Ipv6.ANY))));
  }

  @Test
  void aBindTheKernelRefusesIsTheUsersErrorNotAnInternalOne() {
    // past PortSpecs, which refuses it first: bind(2) answers EINVAL for a link-local address without an interface
    PortMapping linkLocal = new PortMapping(Ipv6.parse("ip", "fe80::1"), 0, 80, Protocol.TCP);
    BerthException e = assertThrows(BerthException.class, () -> reservations.reserve(linkLocal));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("host port [fe80::1]:0/tcp cannot be published: bind [fe80::1]:0: Invalid argument (errno 22)",
        e.getMessage());
  }
}
