package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Debian's stock {@code ctr} (containerd 1.6) against berthd's front socket. */
class CtrCompatibilityTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;

  private static Processes.Result ctr(Path stdin, String... args) throws Exception {
    return berthd.ctr(stdin, 60, args);
  }

  @Test
  void versionShowsClientAndServer() throws Exception {
    Processes.Result r = ctr(null, "version");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("Server:"), r::toString);
  }

  @Test
  void namespacesAreListedAndCreated() throws Exception {
    Processes.Result created = ctr(null, "namespaces", "create", "ctr-made");
    assertEquals(0, created.exit(), created::toString);
    Processes.Result r = ctr(null, "namespaces", "ls");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("ctr-made"), r::toString);
  }

  @Test
  void contentIngestListAndGetRoundTripByteIdentical() throws Exception {
    byte[] data = new byte[5 * 1024 * 1024 + 123];
    new Random(7).nextBytes(data);
    Path file = dir.resolve("blob");
    Files.write(file, data);
    String digest = Digests.sha256(data);

    Processes.Result ingest = ctr(file, "content", "ingest", "ctr-ref-1");
    assertEquals(0, ingest.exit(), ingest::toString);

    Processes.Result ls = ctr(null, "content", "ls");
    assertEquals(0, ls.exit(), ls::toString);
    assertTrue(ls.out().contains(digest), ls::toString);

    Processes.Result get = ctr(null, "content", "get", digest);
    assertEquals(0, get.exit(), get::toString);
    assertArrayEquals(data, get.stdout());
  }

  @Test
  void contentInAnotherNamespaceIsInvisible() throws Exception {
    byte[] data = "only in ns-a\n".getBytes();
    Path file = dir.resolve("small");
    Files.write(file, data);
    assertEquals(0, ctr(file, "-n", "ns-a", "content", "ingest", "small").exit());
    Processes.Result other = ctr(null, "-n", "ns-b", "content", "get", Digests.sha256(data));
    assertTrue(other.exit() != 0, other::toString);
    assertTrue(other.stderr().contains("not found"), other::toString);
  }
}
