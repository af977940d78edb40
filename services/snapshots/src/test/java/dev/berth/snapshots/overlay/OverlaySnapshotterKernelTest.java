package dev.berth.snapshots.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.mount.Mount;
import dev.berth.api.snapshots.SnapshotKind;
import dev.berth.common.store.MetadataStore;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount.InMount;
import dev.berth.linux.TempMount;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overlay snapshotter against the real kernel: its mounts are mounted with mount(2). Needs root. */
class OverlaySnapshotterKernelTest {
  private static final String NS = "kernel";

  @TempDir Path tmp;
  private MetadataStore store;
  private OverlaySnapshotter overlay;

  @BeforeEach
  void open() throws IOException {
    store = MetadataStore.open(tmp.resolve("meta.db"));
    overlay = new OverlaySnapshotter(tmp.resolve("root"), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void withMounted(List<MountSpec> mounts, InMount body) throws IOException {
    TempMount.with(mounts, tmp.resolve("mnt"), body);
  }

  /** Prepares a snapshot on {@code parent}, changes it through its mount with {@code body}, commits it. */
  private void layer(String name, String parent, InMount body) throws IOException {
    String key = name + "-work";
    withMounted(linux(overlay.prepare(NS, key, parent, Map.of())), body);
    overlay.commit(NS, name, key, Map.of());
  }

  @Test
  void chainOfLayersMountsAsTheirUnionWithDeletionsHidden() throws IOException {
    layer("l1", "", dir -> {
      Files.writeString(dir.resolve("a"), "from l1");
      Files.writeString(dir.resolve("shared"), "l1");
      Files.createDirectories(dir.resolve("etc/conf.d"));
      Files.writeString(dir.resolve("etc/conf.d/one"), "1");
    });
    layer("l2", "l1", dir -> {
      assertEquals("from l1", Files.readString(dir.resolve("a")));
      Files.writeString(dir.resolve("b"), "from l2");
      Files.writeString(dir.resolve("shared"), "l2");
      Files.writeString(dir.resolve("etc/conf.d/two"), "2");
    });
    layer("l3", "l2", dir -> {
      Files.delete(dir.resolve("a"));
      Files.writeString(dir.resolve("c"), "from l3");
    });
    List<MountSpec> top = linux(overlay.prepare(NS, "top", "l3", Map.of()));
    assertEquals(List.of("l3", "l2", "l1"), List.of(parentOf("top"), parentOf("l3"), parentOf("l2")));
    withMounted(top, dir -> {
      assertFalse(Files.exists(dir.resolve("a")), "deleted in l3");
      assertEquals("from l2", Files.readString(dir.resolve("b")));
      assertEquals("from l3", Files.readString(dir.resolve("c")));
      assertEquals("l2", Files.readString(dir.resolve("shared")));
      assertEquals(List.of("one", "two"), sortedNames(dir.resolve("etc/conf.d")));
      Files.writeString(dir.resolve("new"), "top");
    });
    // the deletion is an overlay whiteout in l3's own layer: a 0/0 character device
    Path l3Layer = Path.of(top.get(0).lowerDirs().get(0));
    assertTrue(isWhiteout(l3Layer.resolve("a")));
    assertTrue(Files.exists(upperOf(top.get(0)).resolve("new")), "writes land in the active snapshot's upperdir");
    assertFalse(Files.exists(l3Layer.resolve("new")), "committed layers stay as they were");
  }

  @Test
  void viewsAreReadOnly() throws IOException {
    layer("l1", "", dir -> Files.writeString(dir.resolve("f"), "1"));
    layer("l2", "l1", dir -> Files.writeString(dir.resolve("g"), "2"));
    List<MountSpec> bindView = linux(overlay.view(NS, "v1", "l1", Map.of()));
    assertEquals("bind", bindView.get(0).type());
    withMounted(bindView, dir -> {
      assertEquals("1", Files.readString(dir.resolve("f")));
      assertReadOnly(() -> Files.writeString(dir.resolve("f"), "changed"));
    });
    List<MountSpec> overlayView = linux(overlay.view(NS, "v2", "l2", Map.of()));
    assertEquals("overlay", overlayView.get(0).type());
    withMounted(overlayView, dir -> {
      assertEquals("2", Files.readString(dir.resolve("g")));
      assertReadOnly(() -> Files.createFile(dir.resolve("new")));
    });
    withMounted(linux(overlay.view(NS, "v0", "", Map.of())),
        dir -> assertReadOnly(() -> Files.createFile(dir.resolve("new"))));
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void assertReadOnly(IoAction write) {
    FileSystemException e = assertThrows(FileSystemException.class, write::run);
    assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e.toString());
  }

  @Test
  void parentWithChildrenCannotBeRemoved() throws IOException {
    layer("l1", "", dir -> Files.writeString(dir.resolve("f"), "1"));
    overlay.prepare(NS, "child", "l1", Map.of());
    BerthException e = assertThrows(BerthException.class, () -> overlay.remove(NS, "l1"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    overlay.remove(NS, "child");
    overlay.remove(NS, "l1");
    assertTrue(overlay.list(NS, Filter.parse(List.of())).isEmpty());
  }

  @Test
  void snapshotsSurviveReopening() throws IOException {
    layer("l1", "", dir -> Files.writeString(dir.resolve("f"), "kept"));
    List<MountSpec> before = linux(overlay.prepare(NS, "active", "l1", Map.of("k", "v")));
    store.close();

    store = MetadataStore.open(tmp.resolve("meta.db"));
    overlay = new OverlaySnapshotter(tmp.resolve("root"), store);
    assertEquals(before, linux(overlay.mounts(NS, "active")));
    assertEquals(Map.of("k", "v"), overlay.stat(NS, "active").labels());
    assertEquals(SnapshotKind.COMMITTED, overlay.stat(NS, "l1").kind());
    withMounted(before, dir -> assertEquals("kept", Files.readString(dir.resolve("f"))));
    List<MountSpec> next = linux(overlay.prepare(NS, "another", "", Map.of()));
    assertFalse(before.get(0).option("upperdir").orElseThrow().equals(next.get(0).source()),
        "ids are not reused after reopening");
  }

  /** The snapshotter's mounts as berth-linux mounts them. */
  private static List<MountSpec> linux(List<Mount> mounts) {
    return mounts.stream().map(m -> new MountSpec(m.type(), m.source(), m.options())).toList();
  }

  private String parentOf(String key) {
    return overlay.stat(NS, key).parent();
  }

  private static Path upperOf(MountSpec m) {
    return Path.of(m.option("upperdir").orElseThrow());
  }

  private static boolean isWhiteout(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0020000 && rdev == 0;
  }

  private static List<String> sortedNames(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void removeAllTakesChildrenBeforeParentsInOneGoAndLeavesParentsOfWhatStays() throws IOException {
    overlay.prepare(NS, "base-work", "", Map.of());
    overlay.commit(NS, "base", "base-work", Map.of());
    overlay.prepare(NS, "mid-work", "base", Map.of());
    overlay.commit(NS, "mid", "mid-work", Map.of());
    overlay.prepare(NS, "leaf", "mid", Map.of());
    overlay.prepare(NS, "other-base-work", "", Map.of());
    overlay.commit(NS, "other-base", "other-base-work", Map.of());
    overlay.prepare(NS, "kept-child", "other-base", Map.of());

    Map<String, Long> removed = overlay.removeAll(NS, List.of("leaf", "mid", "base", "other-base", "absent"),
        key -> false);
    assertEquals(List.of("leaf", "mid", "base"), List.copyOf(removed.keySet()));
    assertEquals(List.of("kept-child", "other-base"),
        overlay.list(NS, Filter.parse(List.of())).stream().map(i -> i.name()).toList());
    try (var dirs = Files.list(tmp.resolve("root/snapshots"))) {
      assertEquals(2, dirs.count(), "the removed snapshots' directories went with them");
    }
  }

  @Test
  void removeAllLeavesWhatTheSweepSpares() throws IOException {
    overlay.prepare(NS, "layer-work", "", Map.of());
    overlay.commit(NS, "layer", "layer-work", Map.of());
    overlay.prepare(NS, "idle-work", "", Map.of());
    overlay.commit(NS, "idle", "idle-work", Map.of());

    assertEquals(List.of("idle"), List.copyOf(overlay.removeAll(NS, List.of("layer", "idle"), "layer"::equals)
        .keySet()));
    assertEquals(List.of("layer"), overlay.list(NS, Filter.parse(List.of())).stream().map(i -> i.name()).toList());
  }
}
