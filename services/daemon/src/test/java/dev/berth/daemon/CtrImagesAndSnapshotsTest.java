package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock {@code ctr} importing the busybox test image through berthd's Content, Images, Snapshots
 * and Diff, and working with the snapshots; the mounts it prints show the image on the kernel.
 */
class CtrImagesAndSnapshotsTest {
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
  void importListPrepareMountCommitRemove() throws Exception {
    Path archive = BUSYBOX.writeDockerArchive(dir.resolve("busybox.tar"));
    ctr("images", "import", archive.toString());
    assertTrue(ctr("images", "ls").out().contains(TestImages.BUSYBOX_NAME));
    String top = BUSYBOX.topChainId();
    assertTrue(ctr("snapshots", "ls").out().contains(top), "the image is unpacked under its chain ID");

    ctr("snapshots", "prepare", "work", top);
    Path target = Files.createDirectories(dir.resolve("mnt"));
    String mount = ctr("snapshots", "mounts", target.toString(), "work").out().trim();
    assertTrue(mount.startsWith("mount -t overlay"), mount);
    try {
      Processes.Result mounted = Processes.run(List.of("sh", "-c", mount), null, 30);
      assertEquals(0, mounted.exit(), mounted::toString);
      assertTrue(Files.isExecutable(target.resolve("bin/busybox")));
      assertTrue(Files.isSymbolicLink(target.resolve("bin/sh")));
      Files.writeString(target.resolve("new-file"), "made in the active snapshot\n");
    } finally {
      Processes.run(List.of("umount", target.toString()), null, 30);
    }
    ctr("snapshots", "commit", "committed-work", "work");
    String listing = ctr("snapshots", "ls").out();
    assertTrue(listing.contains("committed-work"), listing);
    assertFalse(listing.lines().anyMatch(l -> l.startsWith("work ")), listing);

    ctr("snapshots", "rm", "committed-work");
    assertFalse(ctr("snapshots", "ls").out().contains("committed-work"));
    ctr("images", "rm", TestImages.BUSYBOX_NAME);
    assertFalse(ctr("images", "ls").out().contains(TestImages.BUSYBOX_NAME));
  }
}
