package dev.berth.network.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedDnsTest {
  private static long threads(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
  }

  @Test
  void aServerNoContainerUsedYetHoldsNoThreadAndCloses() {
    long loops = threads("berth-dns");
    long socketMakers = threads("berth-dns-tcp-sockets");
    EmbeddedDns dns = EmbeddedDns.create();
    // berthd with only default-bridge containers keeps its descriptors and threads for them
    assertEquals(loops, threads("berth-dns"));
    assertEquals(socketMakers, threads("berth-dns-tcp-sockets"));
    dns.close();
    assertThrows(IOException.class,
        () -> dns.open("default", "c", Path.of("/proc/self/ns/net"), List.of(), false));
    assertEquals(loops, threads("berth-dns"));
  }
}
