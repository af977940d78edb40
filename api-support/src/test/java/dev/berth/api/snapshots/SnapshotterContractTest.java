package dev.berth.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.mount.Mount;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Snapshotter} does, with containerd's status codes (see
 * /work/shared/containerd-behaviour.md): the local one on the kernel and the one behind gRPC
 * pass the same assertions. Mounts what it prepares, so implementations must answer mounts this
 * machine can mount, and the test needs root. A subclass opens the implementation on a fresh
 * directory and closes what it opened in {@link #closeSnapshotter()}.
 */
public abstract class SnapshotterContractTest {
  private static final String NS = "contract";

  @TempDir protected Path dir;
  protected Snapshotter snapshotter;

  /** The snapshotter under test, keeping whatever state it has under {@code dir}. */
  protected abstract Snapshotter openSnapshotter(Path dir) throws Exception;

  /** Closes what {@link #openSnapshotter} opened; runs also after a failure. */
  protected abstract void closeSnapshotter() throws Exception;

  @BeforeEach
  void open() throws Exception {
    snapshotter = openSnapshotter(dir);
  }

  @AfterEach
  void close() throws Exception {
    closeSnapshotter();
  }

  @Test
  void preparedSnapshotIsActiveWithItsLabelsAndMounts() throws IOException {
    List<Mount> mounts = snapshotter.prepare(NS, "work", "", Map.of("team", "a"));
    assertFalse(mounts.isEmpty());
    assertEquals(mounts, snapshotter.mounts(NS, "work"));
    SnapshotInfo info = snapshotter.stat(NS, "work");
    assertEquals("work", info.name());
    assertEquals("", info.parent());
    assertEquals(SnapshotKind.ACTIVE, info.kind());
    assertEquals(Map.of("team", "a"), info.labels());
    assertFalse(info.created().isAfter(info.updated()));
  }

  @Test
  void prepareOfAnExistingKeyIsAlreadyExists() throws IOException {
    snapshotter.prepare(NS, "k", "", Map.of());
    assertCode(Status.Code.ALREADY_EXISTS, () -> snapshotter.prepare(NS, "k", "", Map.of()));
    assertCode(Status.Code.ALREADY_EXISTS, () -> snapshotter.view(NS, "k", "", Map.of()));
  }

  @Test
  void commitTurnsTheActiveKeyIntoACommittedName() throws IOException {
    snapshotter.prepare(NS, "layer-work", "", Map.of("stage", "work"));
    snapshotter.commit(NS, "layer", "layer-work", Map.of("stage", "done"));
    SnapshotInfo layer = snapshotter.stat(NS, "layer");
    assertEquals(SnapshotKind.COMMITTED, layer.kind());
    assertEquals(Map.of("stage", "done"), layer.labels());
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat(NS, "layer-work"));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> snapshotter.commit(NS, "again", "layer", Map.of()));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> snapshotter.mounts(NS, "layer"));
  }

  @Test
  void absentKeysAndParentsAreNotFound() {
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat(NS, "absent"));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.usage(NS, "absent"));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.mounts(NS, "absent"));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.remove(NS, "absent"));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.prepare(NS, "child", "absent", Map.of()));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat(NS, "child"));
  }

  @Test
  void aParentWithAChildStaysUntilTheChildIsRemoved() throws IOException {
    committed("base", "", Map.of());
    snapshotter.prepare(NS, "child", "base", Map.of());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> snapshotter.remove(NS, "base"));
    assertEquals(SnapshotKind.COMMITTED, snapshotter.stat(NS, "base").kind());
    snapshotter.remove(NS, "child");
    snapshotter.remove(NS, "base");
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat(NS, "base"));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.remove(NS, "base"));
    assertEquals(List.of(), snapshotter.list(NS, Filter.parse(List.of())));
  }

  @Test
  void labelUpdatesSetRemoveOrReplace() throws IOException {
    snapshotter.prepare(NS, "k", "", Map.of("a", "1", "b", "2"));
    assertEquals(Map.of("a", "1", "b", "2", "c", "3"),
        snapshotter.update(NS, "k", Map.of("c", "3", "a", "ignored"), List.of("labels.c")).labels());
    assertEquals(Map.of("a", "1", "c", "3"), snapshotter.update(NS, "k", Map.of(), List.of("labels.b")).labels());
    assertEquals(Map.of("x", "9"), snapshotter.update(NS, "k", Map.of("x", "9"), List.of("labels")).labels());
    assertEquals(Map.of("y", "8"), snapshotter.update(NS, "k", Map.of("y", "8"), List.of()).labels());
    assertEquals(Map.of("y", "8"), snapshotter.update(NS, "k", Map.of("z", ""), List.of("labels.z")).labels());
    assertEquals(Map.of("y", "8"), snapshotter.stat(NS, "k").labels());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> snapshotter.update(NS, "k", Map.of(), List.of("parent")));
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.update(NS, "absent", Map.of("a", "1"), List.of()));
  }

  @Test
  void listIsOrderedByKeyAndFiltered() throws IOException {
    committed("base", "", Map.of("tier", "bottom"));
    snapshotter.prepare(NS, "top", "base", Map.of("tier", "top"));
    snapshotter.view(NS, "peek", "base", Map.of());
    assertEquals(List.of("base", "peek", "top"), names(snapshotter.list(NS, Filter.parse(List.of()))));
    assertEquals(List.of("base"), names(snapshotter.list(NS, Filter.parse(List.of("kind==committed")))));
    assertEquals(List.of("peek", "top"), names(snapshotter.list(NS, Filter.parse(List.of("parent==base")))));
    assertEquals(List.of("base", "top"), names(snapshotter.list(NS, Filter.parse(List.of("labels.tier")))));
    assertEquals(List.of("peek", "top"),
        names(snapshotter.list(NS, Filter.parse(List.of("kind==view", "labels.tier==top")))));
  }

  @Test
  void namespacesDoNotSeeEachOthersSnapshots() throws IOException {
    snapshotter.prepare(NS, "k", "", Map.of());
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat("elsewhere", "k"));
    snapshotter.prepare("elsewhere", "k", "", Map.of());
    assertEquals(List.of("k"), names(snapshotter.list("elsewhere", Filter.parse(List.of()))));
  }

  @Test
  void usageCountsWhatTheSnapshotHoldsAndIsKeptByCommit() throws IOException {
    List<Mount> mounts = snapshotter.prepare(NS, "work", "", Map.of());
    TempMount.with(linux(mounts), dir.resolve("mnt"), root -> {
      Files.write(root.resolve("one"), new byte[1000]);
      Files.write(root.resolve("two"), new byte[3000]);
    });
    SnapshotUsage active = snapshotter.usage(NS, "work");
    assertTrue(active.size() >= 4000, active.toString());
    assertTrue(active.inodes() >= 3, active.toString());
    snapshotter.commit(NS, "layer", "work", Map.of());
    assertEquals(active, snapshotter.usage(NS, "layer"));
  }

  @Test
  void aChildSeesItsCommittedParentsFilesAndWritesOnlyItsOwn() throws IOException {
    committed("base", "", Map.of(), root -> Files.writeString(root.resolve("from-base"), "base"));
    committed("middle", "base", Map.of(), root -> {
      assertEquals("base", Files.readString(root.resolve("from-base")));
      Files.writeString(root.resolve("from-middle"), "middle");
    });
    TempMount.with(linux(snapshotter.prepare(NS, "top", "middle", Map.of())), dir.resolve("mnt"), root -> {
      assertEquals("base", Files.readString(root.resolve("from-base")));
      assertEquals("middle", Files.readString(root.resolve("from-middle")));
      Files.writeString(root.resolve("from-top"), "top");
    });
    TempMount.with(linux(snapshotter.view(NS, "look", "middle", Map.of())), dir.resolve("mnt"), root -> {
      assertEquals("middle", Files.readString(root.resolve("from-middle")));
      assertFalse(Files.exists(root.resolve("from-top")), "the child's writes stay in the child");
      FileSystemException e = assertThrows(FileSystemException.class,
          () -> Files.writeString(root.resolve("new"), "x"));
      assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e.toString());
    });
    SnapshotInfo view = snapshotter.stat(NS, "look");
    assertEquals(SnapshotKind.VIEW, view.kind());
    assertEquals("middle", view.parent());
  }

  @Test
  void aSnapshotPreparedOnNoParentIsCommittedOntoTheParentTheCommitNames() throws IOException {
    committed("base", "", Map.of(), root -> Files.writeString(root.resolve("from-base"), "base"));
    // written before its parent is known, as a layer unpacked side by side with the one below
    TempMount.with(linux(snapshotter.prepare(NS, "upper-work", "", Map.of())), dir.resolve("mnt"),
        root -> Files.writeString(root.resolve("from-upper"), "upper"));
    snapshotter.commit(NS, "upper", "upper-work", Map.of("stage", "done"), "base");
    SnapshotInfo upper = snapshotter.stat(NS, "upper");
    assertEquals("base", upper.parent());
    assertEquals(SnapshotKind.COMMITTED, upper.kind());
    assertEquals(Map.of("stage", "done"), upper.labels());
    TempMount.with(linux(snapshotter.view(NS, "look", "upper", Map.of())), dir.resolve("mnt"), root -> {
      assertEquals("base", Files.readString(root.resolve("from-base")));
      assertEquals("upper", Files.readString(root.resolve("from-upper")));
    });
    snapshotter.remove(NS, "look");
    assertCode(Status.Code.FAILED_PRECONDITION, () -> snapshotter.remove(NS, "base"));
  }

  @Test
  void aCommitOntoAParentNeedsACommittedOneAndTheSameOneThePrepareNamed() throws IOException {
    committed("base", "", Map.of());
    committed("other", "", Map.of());
    snapshotter.prepare(NS, "free", "", Map.of());
    snapshotter.prepare(NS, "active-parent", "", Map.of());
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.commit(NS, "x", "free", Map.of(), "absent"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> snapshotter.commit(NS, "x", "free", Map.of(), "active-parent"));
    assertEquals(SnapshotKind.ACTIVE, snapshotter.stat(NS, "free").kind(), "a refused commit changes nothing");
    assertCode(Status.Code.NOT_FOUND, () -> snapshotter.stat(NS, "x"));

    snapshotter.prepare(NS, "on-base", "base", Map.of());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> snapshotter.commit(NS, "y", "on-base", Map.of(), "other"));
    snapshotter.commit(NS, "y", "on-base", Map.of(), "base");
    assertEquals("base", snapshotter.stat(NS, "y").parent(), "the parent it was prepared on");
  }

  private void committed(String name, String parent, Map<String, String> labels) throws IOException {
    committed(name, parent, labels, root -> {});
  }

  /** Prepares a snapshot on {@code parent}, changes it through its mounts with {@code change}, commits it. */
  private void committed(String name, String parent, Map<String, String> labels, TempMount.InMount change)
      throws IOException {
    String key = name + "-work";
    TempMount.with(linux(snapshotter.prepare(NS, key, parent, Map.of())), dir.resolve("mnt"), change);
    snapshotter.commit(NS, name, key, labels);
  }

  private static List<MountSpec> linux(List<Mount> mounts) {
    return mounts.stream().map(m -> new MountSpec(m.type(), m.source(), m.options())).toList();
  }

  private static List<String> names(List<SnapshotInfo> infos) {
    return infos.stream().map(SnapshotInfo::name).toList();
  }

  private static void assertCode(Status.Code code, Executable call) {
    BerthException e = assertThrows(BerthException.class, call);
    assertEquals(code, e.code(), e.getMessage());
  }
}
