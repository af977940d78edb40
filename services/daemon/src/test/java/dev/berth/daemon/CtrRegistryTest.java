package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock {@code ctr} pushing to and pulling from Debian's docker-registry on 127.0.0.1 against
 * berthd: ctr speaks the registry protocol itself and writes through berthd's Content, Images,
 * Leases, Snapshots and Diff APIs.
 */
class CtrRegistryTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;
  private static final TestImage BUSYBOX = TestImages.busybox();

  private static Processes.Result ctr(String... args) throws Exception {
    Processes.Result r = berthd.ctr(null, 120, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }

  @Test
  void ctrPushesAndPullsThroughBerthd() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    try (LoopbackRegistry registry = LoopbackRegistry.start(dir.resolve("registry"))) {
      String ref = registry.host() + "/ctr/busybox:1";
      ctr("images", "import", BUSYBOX.writeDockerArchive(dir.resolve("busybox.tar")).toString());
      ctr("images", "tag", TestImages.BUSYBOX_NAME, ref);
      ctr("images", "push", "--plain-http", ref);
      ctr("images", "rm", ref, TestImages.BUSYBOX_NAME);
      ctr("snapshots", "rm", BUSYBOX.topChainId());

      ctr("images", "pull", "--plain-http", ref);
      assertTrue(ctr("images", "ls", "-q").out().lines().anyMatch(ref::equals));
      assertTrue(ctr("snapshots", "ls").out().contains(BUSYBOX.topChainId()), "ctr unpacked it through berthd");
    }
  }
}
