package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mounts against the real kernel. Needs root. */
class MountsKernelTest {
  @TempDir Path tmp;
  private Path source;
  private Path target;

  @BeforeEach
  void dirs() throws IOException {
    source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("file"), "from source");
    target = Files.createDirectories(tmp.resolve("target"));
  }

  /** Takes down whatever a failed test left mounted, so that @TempDir can delete its tree. */
  @AfterEach
  void unmountLeftovers() throws IOException {
    List<String> points = mountPoints();
    Collections.reverse(points);
    for (String point : points) {
      if (point.startsWith(tmp.toString())) {
        try {
          Syscalls.unmount(Path.of(point), Syscalls.MNT_DETACH);
        } catch (ErrnoException gone) {
          // went with a mount it was stacked on
        }
      }
    }
  }

  @Test
  void readOnlyBindMountIsReadOnly() throws IOException {
    Mounts.mount(new MountSpec("bind", source.toString(), List.of("rbind", "ro")), target);
    try {
      assertEquals("from source", Files.readString(target.resolve("file")));
      assertThrows(IOException.class, () -> Files.writeString(target.resolve("new"), "x"));
      assertEquals(Set.of("ro"), optionsOf(target, Set.of("ro", "rw")));
    } finally {
      Mounts.unmount(target);
    }
    assertFalse(mountPoints().contains(target.toString()));
  }

  @Test
  void bindMountGetsItsOtherFlagsThroughTheRemount() throws IOException {
    Mounts.mount(new MountSpec("bind", source.toString(), List.of("rbind", "rw", "nosuid", "nodev")), target);
    try {
      assertEquals(Set.of("rw", "nosuid", "nodev"), optionsOf(target, Set.of("ro", "rw", "nosuid", "nodev")));
    } finally {
      Mounts.unmount(target);
    }
  }

  @Test
  void remountMakesAnExistingBindReadOnly() throws IOException {
    Mounts.mount(new MountSpec("bind", source.toString(), List.of("rbind")), target);
    try {
      assertEquals(Set.of("rw"), optionsOf(target, Set.of("ro", "rw")));
      Mounts.mount(new MountSpec("bind", "", List.of("remount", "bind", "ro")), target);
      assertEquals(Set.of("ro"), optionsOf(target, Set.of("ro", "rw")));
    } finally {
      Mounts.unmount(target);
    }
    assertFalse(mountPoints().contains(target.toString()), "the remount added no mount of its own");
  }

  @Test
  void propagationTypeIsSetInACallOfItsOwn() throws IOException {
    Mounts.mount(new MountSpec("tmpfs", "tmpfs", List.of("private", "size=1m")), target);
    try {
      assertTrue(propagationOf(target).isEmpty(), "private: no shared or master tag");
    } finally {
      Mounts.unmount(target);
    }
  }

  @Test
  void tempMountMountsOverlayAndRemovesItsDirectoryAgain() throws IOException {
    Path upper = Files.createDirectories(tmp.resolve("upper"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    MountSpec overlay = new MountSpec("overlay", "overlay",
        List.of("lowerdir=" + source, "upperdir=" + upper, "workdir=" + work));
    List<Path> seen = new ArrayList<>();
    TempMount.with(List.of(overlay), tmp.resolve("mnt"), dir -> {
      seen.add(dir);
      assertEquals("from source", Files.readString(dir.resolve("file")));
      Files.writeString(dir.resolve("file"), "changed");
    });
    assertEquals("changed", Files.readString(upper.resolve("file")));
    assertEquals("from source", Files.readString(source.resolve("file")));
    assertFalse(Files.exists(seen.get(0)));
  }

  @Test
  void failedTempMountLeavesNothingBehind() throws IOException {
    MountSpec missing = new MountSpec("bind", tmp.resolve("absent").toString(), List.of("rbind"));
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> TempMount.mount(List.of(new MountSpec("bind", source.toString(), List.of("rbind")), missing),
            tmp.resolve("mnt")));
    assertEquals(ErrnoException.ENOENT, e.errno());
    try (var left = Files.list(tmp.resolve("mnt"))) {
      assertEquals(0, left.count());
    }
    assertTrue(mountPoints().stream().noneMatch(p -> p.startsWith(tmp.toString())));
  }

  private static List<String> mountPoints() throws IOException {
    List<String> points = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      points.add(line.split(" ")[4]);
    }
    return points;
  }

  /** The per-mount options of the top mount on {@code point} that are among {@code wanted}. */
  private static Set<String> optionsOf(Path point, Set<String> wanted) throws IOException {
    Set<String> options = Set.of();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals(point.toString())) {
        options = Set.of(f[5].split(","));
      }
    }
    return options.stream().filter(wanted::contains).collect(Collectors.toSet());
  }

  /** The optional fields (shared:N, master:N) of the top mount on {@code point}. */
  private static List<String> propagationOf(Path point) throws IOException {
    List<String> tags = List.of();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals(point.toString())) {
        List<String> t = new ArrayList<>();
        for (int i = 6; !f[i].equals("-"); i++) {
          t.add(f[i]);
        }
        tags = t;
      }
    }
    return tags;
  }
}
