package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount trees copied detached and attached through descriptors, against the real kernel. Needs root. */
class DetachedMountKernelTest {
  @TempDir Path tmp;
  private Path source;
  private Path root;

  /** A shared tmpfs holding a file and a second tmpfs, and a root to attach copies in. */
  @BeforeEach
  void mounts() throws IOException {
    source = Files.createDirectories(tmp.resolve("source"));
    Mounts.mount(new MountSpec("tmpfs", "tmpfs", List.of("size=1m", "shared")), source);
    Files.writeString(source.resolve("file"), "from source");
    Path nested = Files.createDirectories(source.resolve("nested"));
    Mounts.mount(new MountSpec("tmpfs", "tmpfs", List.of("size=1m")), nested);
    Files.writeString(nested.resolve("deep"), "from nested");
    root = Files.createDirectories(tmp.resolve("root"));
  }

  /** Takes down whatever the test mounted, so that @TempDir can delete its tree. */
  @AfterEach
  void unmount() throws IOException {
    List<Path> points = mountsUnder(tmp);
    Collections.reverse(points);
    for (Path point : points) {
      try {
        Syscalls.unmount(point, Syscalls.MNT_DETACH);
      } catch (ErrnoException gone) {
        // went with a mount it was stacked on
      }
    }
  }

  @Test
  void aCopyGoesOnTheDirectoryItsDescriptorHoldsWhateverItsPathLeadsToMeanwhile() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createDirectories(root.resolve("dest"));
    try (InRoot in = InRoot.open(root); FileHandle dest = in.resolve("dest", true);
        DetachedMount copy = DetachedMount.copyOf(source)) {
      // the path now leads elsewhere: the copy still goes where the descriptor was opened
      Files.move(root.resolve("dest"), root.resolve("moved"));
      Files.createSymbolicLink(root.resolve("dest"), elsewhere);
      copy.attachTo(dest);
    }
    assertEquals("from source", Files.readString(root.resolve("moved/file")));
    assertEquals("from nested", Files.readString(root.resolve("moved/nested/deep")), "the mounts under it come too");
    assertEquals(List.of(root.resolve("moved"), root.resolve("moved/nested")), mountsUnder(root));
    assertEquals(List.of(), mountsUnder(elsewhere));
  }

  @Test
  void aFileIsMountedOnAFile() throws IOException {
    Files.writeString(root.resolve("target"), "");
    try (InRoot in = InRoot.open(root); FileHandle target = in.resolve("target", true);
        DetachedMount copy = DetachedMount.copyOf(source.resolve("file"))) {
      copy.attachTo(target);
    }
    assertEquals("from source", Files.readString(root.resolve("target")));
  }

  @Test
  void aReadOnlyCopyIsReadOnlyAllTheWayDownAndLeavesItsSourceWritable() throws IOException {
    Files.createDirectories(root.resolve("dest"));
    try (InRoot in = InRoot.open(root); FileHandle dest = in.resolve("dest", true);
        DetachedMount copy = DetachedMount.copyOf(source)) {
      copy.makeReadOnly();
      copy.attachTo(dest);
    }
    assertThrows(FileSystemException.class, () -> Files.writeString(root.resolve("dest/new"), "x"));
    assertThrows(FileSystemException.class, () -> Files.writeString(root.resolve("dest/nested/new"), "x"));
    Files.writeString(source.resolve("nested/new"), "x");
  }

  @Test
  void whatIsMountedOnTheCopyStaysOffItsSharedSource() throws IOException {
    Files.createDirectories(source.resolve("sub"));
    Files.createDirectories(root.resolve("dest"));
    try (InRoot in = InRoot.open(root); FileHandle dest = in.resolve("dest", true);
        DetachedMount copy = DetachedMount.copyOf(source)) {
      copy.attachTo(dest);
    }
    Mounts.mount(new MountSpec("tmpfs", "tmpfs", List.of("size=1m")), root.resolve("dest/sub"));
    assertEquals(List.of(), mountsUnder(source.resolve("sub")), "a bind of a shared mount would have passed it on");
  }

  @Test
  void aCopyNeverAttachedLeavesNothingMounted() throws IOException {
    // the test's own tree, not the whole table: other work on the machine mounts and unmounts meanwhile
    List<Path> before = mountsUnder(tmp);
    try (DetachedMount copy = DetachedMount.copyOf(source)) {
      copy.makeReadOnly();
    }
    assertEquals(before, mountsUnder(tmp));
    ErrnoException missing = assertThrows(ErrnoException.class, () -> DetachedMount.copyOf(tmp.resolve("absent")));
    assertEquals("open_tree", missing.call());
    assertEquals(ErrnoException.ENOENT, missing.errno());
    assertFalse(Files.exists(root.resolve("dest")));
  }

  @Test
  void aDirectoryIsNotMountedOnAFile() throws IOException {
    Files.writeString(root.resolve("target"), "");
    try (InRoot in = InRoot.open(root); FileHandle target = in.resolve("target", true);
        DetachedMount copy = DetachedMount.copyOf(source)) {
      ErrnoException refused = assertThrows(ErrnoException.class, () -> copy.attachTo(target));
      assertEquals("move_mount", refused.call());
      assertTrue(refused.getMessage().contains(source + " on target"), refused.getMessage());
    }
    assertEquals(List.of(), mountsUnder(root));
  }

  /** The mount points at or under {@code dir}, outermost first. */
  private static List<Path> mountsUnder(Path dir) throws IOException {
    List<Path> points = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      Path point = Path.of(line.split(" ")[4]);
      if (point.startsWith(dir)) {
        points.add(point);
      }
    }
    return points;
  }
}
