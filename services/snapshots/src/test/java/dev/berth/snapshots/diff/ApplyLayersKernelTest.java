package dev.berth.snapshots.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import containerd.types.Descriptor;
import dev.berth.api.Digests;
import dev.berth.linux.Syscalls;
import dev.berth.linux.TempMount;
import dev.berth.linux.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A busybox-like image of three layers (gzip, zstd, and one whose media type does not say)
 * unpacked through the Diff API onto overlay snapshots, then looked at through the kernel's
 * overlay mount. Needs root.
 */
class ApplyLayersKernelTest {
  @TempDir Path tmp;
  private LayerServices services;

  @BeforeEach
  void start() throws Exception {
    services = new LayerServices(tmp, 1 << 20);
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
  }

  private static byte[] baseLayer() {
    return new LayerBuilder()
        .dir("./", 0755)
        .dir("bin", 0755)
        .file("bin/busybox", "#!busybox binary", 0755, e -> {})
        .symlink("bin/sh", "busybox")
        .hardlink("bin/ls", "bin/busybox")
        .file("bin/su", "setuid", 04755, e -> {})
        .dir("etc", 0755)
        .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        .file("etc/owned", "by 1000", 0600, e -> e.setIds(1000, 1001))
        .file("etc/labelled", "xattr", 0644, e -> e.addPaxHeader("SCHILY.xattr.user.origin", "layer-1"))
        .dir("tmp", 01777)
        .dir("opt", 0755)
        .file("opt/a", "a")
        .dir("opt/sub", 0700)
        .file("opt/sub/b", "b")
        .dir("dev", 0755)
        .charDevice("dev/null", 1, 3)
        .fifo("dev/pipe")
        .build();
  }

  private static byte[] secondLayer() {
    // no entry for tmp/ nor etc/: the upper directories they imply must look like the lower ones
    return new LayerBuilder()
        .whiteout("etc", "passwd")
        .dir("opt", 0755)
        .opaque("opt")
        .file("opt/c", "c")
        .file("tmp/x", "x")
        .file("etc/hostname", "berth\n")
        .build();
  }

  private static byte[] thirdLayer() {
    return new LayerBuilder()
        .file("bin/busybox", "#!busybox v2", 0755, e -> {})
        .whiteout("", "dev")
        .build();
  }

  @Test
  void layersUnpackOntoSnapshotsAndMountAsTheImage() throws Exception {
    byte[] base = baseLayer();
    Descriptor l1 = services.put(LayerBuilder.compress(LayerCompression.GZIP, base),
        LayerCompression.OCI_LAYER_GZIP);
    Descriptor applied = services.unpack("l1", "", l1);
    assertEquals(Descriptor.newBuilder().setMediaType(LayerCompression.OCI_LAYER)
        .setDigest(Digests.sha256(base)).setSize(base.length).build(), applied, "diff ID of the uncompressed tar");

    Descriptor l2 = services.put(LayerBuilder.compress(LayerCompression.ZSTD, secondLayer()),
        LayerCompression.OCI_LAYER_ZSTD);
    services.unpack("l2", "l1", l2);
    byte[] third = thirdLayer();
    Descriptor l3 = services.put(LayerBuilder.compress(LayerCompression.GZIP, third), "");
    assertEquals(Digests.sha256(third), services.unpack("l3", "l2", l3).getDigest(), "gzip found by its magic");

    try (TempMount rootfs = services.mount(services.prepare("container", "l3"))) {
      assertIsTheImage(rootfs.dir());
    }
    try (TempMount layer1 = services.mount(services.view("l1-view", "l1"))) {
      Path r = layer1.dir();
      assertEquals(Files.getAttribute(r.resolve("bin/busybox"), "unix:ino"),
          Files.getAttribute(r.resolve("bin/ls"), "unix:ino"));
      int devMode = mode(r.resolve("dev/null"));
      assertEquals(0020000, devMode & 0170000);
      long rdev = (Long) Files.getAttribute(r.resolve("dev/null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS);
      assertEquals(1, Syscalls.major(rdev));
      assertEquals(3, Syscalls.minor(rdev));
      assertEquals(0010000, mode(r.resolve("dev/pipe")) & 0170000);
      assertEquals(FileTime.from(LayerBuilder.MTIME), Files.getLastModifiedTime(r.resolve("opt/sub")),
          "directory times are set after their children");
      assertEquals(FileTime.from(LayerBuilder.MTIME), Files.getLastModifiedTime(r.resolve("bin/sh"),
          LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void layersUnpackedBeforeThoseBelowThemAndCommittedOntoThemMountAsTheSameImage() throws Exception {
    Descriptor l1 = services.put(LayerBuilder.compress(LayerCompression.GZIP, baseLayer()),
        LayerCompression.OCI_LAYER_GZIP);
    Descriptor l2 = services.put(LayerBuilder.compress(LayerCompression.ZSTD, secondLayer()),
        LayerCompression.OCI_LAYER_ZSTD);
    byte[] third = thirdLayer();
    Descriptor l3 = services.put(LayerBuilder.compress(LayerCompression.GZIP, third), "");
    // the upper layers first, before those below them are there
    assertEquals(Digests.sha256(third), services.applyAlone("l3", l3).getDigest());
    services.applyAlone("l2", l2);
    services.unpack("l1", "", l1);
    services.commitOnto("l2", "l1");
    services.commitOnto("l3", "l2");

    try (TempMount rootfs = services.mount(services.prepare("container", "l3"))) {
      assertIsTheImage(rootfs.dir());
      assertEquals(List.of(), Xattrs.list(rootfs.dir().resolve("tmp")).stream()
          .filter(n -> n.startsWith("trusted.berth.")).toList(), "the mark of an implied directory is gone");
    }
  }

  /** The three layers above, stacked. */
  private static void assertIsTheImage(Path r) throws Exception {
    assertEquals("#!busybox v2", Files.readString(r.resolve("bin/busybox")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(r.resolve("bin/sh")));
    assertEquals("#!busybox binary", Files.readString(r.resolve("bin/ls")), "the hard link kept the first content");
    assertEquals(04755, mode(r.resolve("bin/su")) & 07777);
    assertFalse(Files.exists(r.resolve("etc/passwd"), LinkOption.NOFOLLOW_LINKS), "whited out in layer 2");
    assertEquals("berth\n", Files.readString(r.resolve("etc/hostname")));
    assertEquals(1000, Files.getAttribute(r.resolve("etc/owned"), "unix:uid"));
    assertEquals(1001, Files.getAttribute(r.resolve("etc/owned"), "unix:gid"));
    assertArrayEquals("layer-1".getBytes(StandardCharsets.UTF_8),
        Xattrs.get(r.resolve("etc/labelled"), "user.origin"));
    assertEquals(List.of("c"), names(r.resolve("opt")), "opt is opaque in layer 2");
    assertEquals(01777, mode(r.resolve("tmp")) & 07777, "an implied directory keeps the lower one's mode");
    assertEquals("x", Files.readString(r.resolve("tmp/x")));
    assertFalse(Files.exists(r.resolve("dev")), "a whole directory whited out in layer 3");
    assertEquals(FileTime.from(LayerBuilder.MTIME), Files.getLastModifiedTime(r.resolve("etc/owned")));
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
