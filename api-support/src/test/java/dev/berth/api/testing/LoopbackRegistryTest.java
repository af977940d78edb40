package dev.berth.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The registry fixture itself: two at once on their own ports, and nothing left after close. */
class LoopbackRegistryTest {
  @Test
  void twoRegistriesServeOnTheirOwnPortsAndLeaveNothingBehind() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "docker-registry and skopeo are not installed");
    Path storage;
    int port;
    try (LoopbackRegistry first = LoopbackRegistry.start(); LoopbackRegistry second = LoopbackRegistry.start()) {
      assertNotEquals(first.port(), second.port());
      assertEquals("127.0.0.1:" + first.port() + "/busybox:1", first.reference("busybox:1"));
      assertNull(first.manifestDigest("busybox", "1"), "an empty registry has no manifest");
      IllegalStateException missing = assertThrows(IllegalStateException.class, () -> first.blob("busybox",
          "sha256:0000000000000000000000000000000000000000000000000000000000000000"));
      assertTrue(missing.getMessage().contains("404"), missing.getMessage());
      storage = first.storage();
      port = first.port();
    }
    assertFalse(Files.exists(storage.getParent()), "the registry's directory is removed");
    assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
        "nothing listens on the port any more");
  }
}
