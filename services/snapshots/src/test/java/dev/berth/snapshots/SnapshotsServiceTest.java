package dev.berth.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.gc.v1.SnapshotSweeperGrpc;
import berth.gc.v1.SweepRequest;
import berth.gc.v1.SweepResponse;
import berth.gc.v1.Swept;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import containerd.events.SnapshotCommit;
import containerd.events.SnapshotPrepare;
import containerd.services.snapshots.v1.CleanupRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.Kind;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.SnapshotsGrpc.SnapshotsBlockingStub;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.services.snapshots.v1.UpdateSnapshotRequest;
import containerd.services.snapshots.v1.UsageRequest;
import containerd.services.snapshots.v1.UsageResponse;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import containerd.types.Mount;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.common.gc.RecentUse;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Snapshots API in-process over the real overlay snapshotter on a temporary directory: the
 * status codes containerd answers, labels, filters, leases, events. Nothing here mounts.
 */
class SnapshotsServiceTest {
  private static final String OVERLAY = "overlayfs";

  @TempDir Path root;
  private MetadataStore store;
  private InProcessServices services;
  private SnapshotsBlockingStub snapshots;
  private final RecordingEvents events = new RecordingEvents();
  private final Set<String> registeredNamespaces = ConcurrentHashMap.newKeySet();
  private final LeasesServiceDouble leases = new LeasesServiceDouble();
  private InProcessServices leaseServer;
  private SnapshotSweeperGrpc.SnapshotSweeperBlockingStub sweeper;

  @BeforeEach
  void start() throws Exception {
    store = MetadataStore.open(root.resolve("meta.db"));
    OverlaySnapshotter overlay = new OverlaySnapshotter(root.resolve("snapshots/overlayfs"), store);
    leaseServer = InProcessServices.start(leases);
    RecentUse leasedLately = new RecentUse();
    services = InProcessServices.start(new SnapshotsService(Map.of(OVERLAY, overlay),
        new GrpcLeaseRecorder(leaseServer.channel()), registeredNamespaces::add, events, leasedLately),
        new SnapshotSweeperService(overlay, events, leasedLately));
    snapshots = SnapshotsGrpc.newBlockingStub(services.inNamespace("test"));
    sweeper = SnapshotSweeperGrpc.newBlockingStub(services.inNamespace("test"));
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
    leaseServer.close();
    store.close();
  }

  private List<Mount> prepare(String key, String parent) {
    return snapshots.prepare(PrepareSnapshotRequest.newBuilder()
        .setSnapshotter(OVERLAY).setKey(key).setParent(parent).build()).getMountsList();
  }

  private void commit(String name, String key) {
    snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setName(name).setKey(key).build());
  }

  private Info stat(String key) {
    return snapshots.stat(StatSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey(key).build()).getInfo();
  }

  private void remove(String key) {
    snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey(key).build());
  }

  private List<Info> list(String... filters) {
    List<Info> out = new ArrayList<>();
    snapshots.list(ListSnapshotsRequest.newBuilder().setSnapshotter(OVERLAY).addAllFilters(List.of(filters)).build())
        .forEachRemaining(r -> out.addAll(r.getInfoList()));
    return out;
  }

  private static void assertStatus(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
  }

  @Test
  void baseSnapshotIsARwBindOfItsFsDirectory() {
    List<Mount> mounts = prepare("base", "");
    assertEquals(1, mounts.size());
    Mount m = mounts.get(0);
    assertEquals("bind", m.getType());
    assertEquals(List.of("rw", "rbind"), m.getOptionsList());
    Path fs = Path.of(m.getSource());
    assertTrue(Files.isDirectory(fs));
    assertEquals("fs", fs.getFileName().toString());
    assertTrue(fs.getParent().getFileName().toString().matches("[0-9]+"), "data directory is named by id");
    assertTrue(fs.startsWith(root.resolve("snapshots/overlayfs/snapshots")));
    assertEquals(Kind.ACTIVE, stat("base").getKind());
    assertEquals(Set.of("test"), registeredNamespaces);
  }

  @Test
  void mountsFollowContainerdsOverlayLayout() {
    Path fs1 = Path.of(prepare("l1", "").get(0).getSource());
    commit("c1", "l1");
    List<Mount> m2 = prepare("l2", "c1");
    Path fs2 = Path.of(option(m2.get(0), "upperdir"));
    commit("c2", "l2");
    Mount active = prepare("top", "c2").get(0);
    assertEquals("overlay", active.getType());
    assertEquals("overlay", active.getSource());
    Path topFs = Path.of(option(active, "upperdir"));
    assertEquals(topFs.resolveSibling("work").toString(), option(active, "workdir"));
    assertEquals(fs2 + ":" + fs1, option(active, "lowerdir"));
    List<String> expected = new ArrayList<>();
    if (Files.exists(Path.of("/sys/module/overlay/parameters/index"))) {
      expected.add("index=off");
    }
    expected.addAll(List.of("workdir=" + topFs.resolveSibling("work"), "upperdir=" + topFs,
        "lowerdir=" + fs2 + ":" + fs1));
    assertEquals(expected, active.getOptionsList());
    assertEquals(active, snapshots.mounts(MountsRequest.newBuilder().setSnapshotter(OVERLAY).setKey("top").build())
        .getMounts(0));

    Mount viewOfOne = snapshots.view(ViewSnapshotRequest.newBuilder().setSnapshotter(OVERLAY)
        .setKey("v1").setParent("c1").build()).getMounts(0);
    assertEquals(Mount.newBuilder().setType("bind").setSource(fs1.toString()).addOptions("ro").addOptions("rbind")
        .build(), viewOfOne);
    Mount viewOfTwo = snapshots.view(ViewSnapshotRequest.newBuilder().setSnapshotter(OVERLAY)
        .setKey("v2").setParent("c2").build()).getMounts(0);
    assertEquals("overlay", viewOfTwo.getType());
    assertEquals(fs2 + ":" + fs1, option(viewOfTwo, "lowerdir"));
    assertTrue(viewOfTwo.getOptionsList().stream()
        .noneMatch(o -> o.startsWith("upperdir=") || o.startsWith("workdir=")));
    Mount emptyView = snapshots.view(ViewSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("v0").build())
        .getMounts(0);
    assertEquals(List.of("ro", "rbind"), emptyView.getOptionsList());
    assertEquals(Kind.VIEW, stat("v2").getKind());
    assertEquals("c2", stat("v2").getParent());
  }

  private static String option(Mount m, String name) {
    return m.getOptionsList().stream().filter(o -> o.startsWith(name + "="))
        .map(o -> o.substring(name.length() + 1)).findFirst().orElseThrow();
  }

  @Test
  void statusCodesMatchContainerd() {
    prepare("a", "");
    assertStatus(Status.Code.ALREADY_EXISTS, () -> prepare("a", ""));
    commit("a-done", "a");
    assertStatus(Status.Code.NOT_FOUND, () -> stat("a"));
    assertStatus(Status.Code.FAILED_PRECONDITION, () -> commit("again", "a-done"));
    assertStatus(Status.Code.FAILED_PRECONDITION, () -> snapshots.mounts(
        MountsRequest.newBuilder().setSnapshotter(OVERLAY).setKey("a-done").build()));
    assertStatus(Status.Code.NOT_FOUND, () -> snapshots.usage(
        UsageRequest.newBuilder().setSnapshotter(OVERLAY).setKey("absent").build()));
    assertStatus(Status.Code.NOT_FOUND, () -> stat("absent"));
    assertStatus(Status.Code.NOT_FOUND, () -> prepare("child", "absent"));
    assertStatus(Status.Code.NOT_FOUND, () -> commit("x", "absent"));
    prepare("child", "a-done");
    assertStatus(Status.Code.FAILED_PRECONDITION, () -> remove("a-done"));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> prepare("grandchild", "child"));
    assertStatus(Status.Code.ALREADY_EXISTS, () -> commit("a-done", "child"));
    remove("child");
    assertStatus(Status.Code.NOT_FOUND, () -> stat("child"));
    assertStatus(Status.Code.NOT_FOUND, () -> remove("child"));
    remove("a-done");
    assertStatus(Status.Code.NOT_FOUND, () -> stat("a-done"));
  }

  @Test
  void unknownOrEmptySnapshotterIsInvalidArgument() {
    for (String name : List.of("nosuch-snapshotter", "")) {
      assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.prepare(
          PrepareSnapshotRequest.newBuilder().setSnapshotter(name).setKey("k").build()));
      assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.stat(
          StatSnapshotRequest.newBuilder().setSnapshotter(name).setKey("k").build()));
      assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.list(
          ListSnapshotsRequest.newBuilder().setSnapshotter(name).build()).hasNext());
      assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.cleanup(
          CleanupRequest.newBuilder().setSnapshotter(name).build()));
    }
  }

  @Test
  void keysAreFreeFormButNotEmptyOrControlCharacters() throws Exception {
    String key = "default/12/sha256:abc ../../etc";
    Path fs = Path.of(prepare(key, "").get(0).getSource());
    assertTrue(fs.startsWith(root), "a key never becomes a path");
    assertEquals(key, stat(key).getName());
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> prepare("", ""));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> prepare("bad\nkey", ""));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> commit("bad\u0000name", key));
    try (var entries = Files.list(root.resolve("snapshots/overlayfs/snapshots"))) {
      assertEquals(1, entries.count(), "refused requests leave nothing on disk");
    }
  }

  @Test
  void keysArePerNamespace() {
    prepare("shared", "");
    commit("layer", "shared");
    SnapshotsBlockingStub other = SnapshotsGrpc.newBlockingStub(services.inNamespace("other"));
    assertStatus(Status.Code.NOT_FOUND, () -> other.stat(
        StatSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("layer").build()));
    assertStatus(Status.Code.NOT_FOUND, () -> other.prepare(
        PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("c").setParent("layer").build()));
    other.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("shared").build());
    assertEquals(Set.of("test", "other"), registeredNamespaces);
    assertEquals(List.of("layer"), list().stream().map(Info::getName).toList());
  }

  @Test
  void commitRenamesAndReplacesLabels() {
    snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("k")
        .putLabels("during", "prepare").build());
    Info active = stat("k");
    assertEquals(Map.of("during", "prepare"), active.getLabelsMap());
    snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setName("n").setKey("k")
        .putLabels("containerd.io/gc.root", "yes").build());
    Info committed = stat("n");
    assertEquals(Kind.COMMITTED, committed.getKind());
    assertEquals(Map.of("containerd.io/gc.root", "yes"), committed.getLabelsMap());
    assertTrue(committed.getCreatedAt().getSeconds() >= active.getCreatedAt().getSeconds());
    assertEquals(List.of("/snapshot/prepare", "/snapshot/commit"), events.topics());
    assertEquals(SnapshotCommit.newBuilder().setKey("k").setName("n").setSnapshotter(OVERLAY).build(),
        events.published.get(1).payload());
    assertEquals(SnapshotPrepare.newBuilder().setKey("k").setSnapshotter(OVERLAY).build(),
        events.published.get(0).payload());
    assertEquals("test", events.published.get(0).namespace());
  }

  @Test
  void updateChangesLabelsByMask() {
    snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("k")
        .putLabels("a", "1").putLabels("b", "2").build());
    Info updated = snapshots.update(UpdateSnapshotRequest.newBuilder().setSnapshotter(OVERLAY)
        .setInfo(Info.newBuilder().setName("k").putLabels("a", "10").putLabels("c", "3"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.a").addPaths("labels.b")).build()).getInfo();
    assertEquals(Map.of("a", "10"), updated.getLabelsMap(), "labels.b without a value removes b; c is not in the mask");
    assertEquals(updated, stat("k"));
    Info replaced = snapshots.update(UpdateSnapshotRequest.newBuilder().setSnapshotter(OVERLAY)
        .setInfo(Info.newBuilder().setName("k").putLabels("z", "26")).build()).getInfo();
    assertEquals(Map.of("z", "26"), replaced.getLabelsMap(), "no mask replaces all labels");
    Info masked = snapshots.update(UpdateSnapshotRequest.newBuilder().setSnapshotter(OVERLAY)
        .setInfo(Info.newBuilder().setName("k").putLabels("y", "25"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels")).build()).getInfo();
    assertEquals(Map.of("y", "25"), masked.getLabelsMap());
    assertFalse(masked.getUpdatedAt().getSeconds() < masked.getCreatedAt().getSeconds());
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.update(UpdateSnapshotRequest.newBuilder()
        .setSnapshotter(OVERLAY).setInfo(Info.newBuilder().setName("k").setParent("x"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("parent")).build()));
    assertStatus(Status.Code.NOT_FOUND, () -> snapshots.update(UpdateSnapshotRequest.newBuilder()
        .setSnapshotter(OVERLAY).setInfo(Info.newBuilder().setName("absent")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> snapshots.update(UpdateSnapshotRequest.newBuilder()
        .setSnapshotter(OVERLAY).setInfo(Info.newBuilder()).build()));
  }

  @Test
  void listFiltersOnKindNameParentAndLabels() {
    prepare("base-work", "");
    commit("base", "base-work");
    snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("app")
        .setParent("base").putLabels("com.example/role", "web").build());
    snapshots.view(ViewSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("peek").setParent("base").build());
    assertEquals(List.of("app", "base", "peek"), names(list()));
    assertEquals(List.of("base"), names(list("kind==committed")));
    assertEquals(List.of("app"), names(list("kind==active")));
    assertEquals(List.of("peek"), names(list("kind==view")));
    assertEquals(List.of("app", "peek"), names(list("parent==base")));
    assertEquals(List.of("app"), names(list("labels.\"com.example/role\"==web")));
    assertEquals(List.of("app", "base"), names(list("name==base", "labels.\"com.example/role\"")));
    assertEquals(List.of("peek"), names(list("parent==base,kind!=active")));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> list("kind=="));
  }

  private static List<String> names(List<Info> infos) {
    return infos.stream().map(Info::getName).toList();
  }

  @Test
  void listStreamsManySnapshotsInBatches() {
    for (int i = 0; i < 150; i++) {
      prepare(String.format("k%03d", i), "");
    }
    List<Integer> batchSizes = new ArrayList<>();
    snapshots.list(ListSnapshotsRequest.newBuilder().setSnapshotter(OVERLAY).build())
        .forEachRemaining(r -> batchSizes.add(r.getInfoCount()));
    assertEquals(List.of(100, 50), batchSizes);
  }

  @Test
  void usageCountsOwnLayerWithHardLinksOnce() throws Exception {
    Path fs = Path.of(prepare("k", "").get(0).getSource());
    Files.write(fs.resolve("data"), new byte[10_000]);
    Files.createLink(fs.resolve("link"), fs.resolve("data"));
    Files.createDirectory(fs.resolve("dir"));
    UsageResponse active = snapshots.usage(UsageRequest.newBuilder().setSnapshotter(OVERLAY).setKey("k").build());
    long dirSize = Files.size(fs) + Files.size(fs.resolve("dir"));
    assertEquals(3, active.getInodes(), "fs, dir and the file once");
    assertEquals(10_000 + dirSize, active.getSize());
    commit("c", "k");
    assertEquals(active, snapshots.usage(UsageRequest.newBuilder().setSnapshotter(OVERLAY).setKey("c").build()),
        "a committed snapshot reports the usage measured at commit");
  }

  @Test
  void leaseFromTheRequestProtectsNewSnapshots() {
    leases.create("test", "unpack");
    SnapshotsBlockingStub leased = SnapshotsGrpc.newBlockingStub(
        Channels.withLease(services.inNamespace("test"), "unpack"));
    leased.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("extract-1").build());
    assertEquals(Set.of("snapshots/overlayfs=extract-1"), leases.resourcesOf("test", "unpack"));
    leased.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("extract-1")
        .setName("sha256:layer").build());
    assertEquals(Set.of("snapshots/overlayfs=sha256:layer"), leases.resourcesOf("test", "unpack"));
    leased.view(ViewSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("v").setParent("sha256:layer").build());
    assertTrue(leases.resourcesOf("test", "unpack").contains("snapshots/overlayfs=v"));

    SnapshotsBlockingStub noSuchLease = SnapshotsGrpc.newBlockingStub(
        Channels.withLease(services.inNamespace("test"), "gone"));
    assertStatus(Status.Code.NOT_FOUND, () -> noSuchLease.prepare(
        PrepareSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("unprotected").build()));
    assertStatus(Status.Code.NOT_FOUND, () -> stat("unprotected"));
  }

  @Test
  void aStatUnderALeaseTakesTheSnapshotIntoTheLeaseAndASweepUnderWaySparesIt() throws Exception {
    prepare("work-a", "");
    commit("layer-a", "work-a");
    prepare("work-b", "");
    commit("layer-b", "work-b");
    Thread.sleep(2);
    Timestamp collectionStart = ProtoTimes.toTimestamp(Instant.now());
    // an unpack finding its layer's snapshot there: it labels the image's config with it later
    leases.create("test", "pull");
    SnapshotsBlockingStub leased = SnapshotsGrpc.newBlockingStub(
        Channels.withLease(services.inNamespace("test"), "pull"));
    leased.stat(StatSnapshotRequest.newBuilder().setSnapshotter(OVERLAY).setKey("layer-a").build());
    assertEquals(Set.of("snapshots/overlayfs=layer-a"), leases.resourcesOf("test", "pull"));
    stat("layer-b"); // a look without a lease protects nothing

    SweepResponse swept = sweeper.sweep(SweepRequest.newBuilder().setSnapshotter(OVERLAY)
        .addAllIds(List.of("layer-a", "layer-b")).setUntouchedSince(collectionStart).build());
    assertEquals(List.of("layer-b"), swept.getSweptList().stream().map(Swept::getId).toList());
    assertEquals("layer-a", stat("layer-a").getName());

    Thread.sleep(2);
    swept = sweeper.sweep(SweepRequest.newBuilder().setSnapshotter(OVERLAY).addIds("layer-a")
        .setUntouchedSince(ProtoTimes.toTimestamp(Instant.now())).build());
    assertEquals(List.of("layer-a"), swept.getSweptList().stream().map(Swept::getId).toList(),
        "a later collection takes it, should nothing reference it by then");
  }

  @Test
  void cleanupRemovesDirectoriesNoRecordKnows() throws Exception {
    Path fs = Path.of(prepare("kept", "").get(0).getSource());
    Path snapshotsDir = fs.getParent().getParent();
    Files.createDirectories(snapshotsDir.resolve("999/fs"));
    Files.createDirectories(snapshotsDir.resolve("trash-7/fs/x"));
    Files.createDirectories(snapshotsDir.resolve("new-123/fs"));
    snapshots.cleanup(CleanupRequest.newBuilder().setSnapshotter(OVERLAY).build());
    try (var entries = Files.list(snapshotsDir)) {
      assertEquals(List.of(fs.getParent()), entries.toList());
    }
  }

  @Test
  void removeDeletesTheDirectory() {
    Path fs = Path.of(prepare("k", "").get(0).getSource());
    remove("k");
    assertFalse(Files.exists(fs.getParent()));
    assertEquals(List.of("/snapshot/prepare", "/snapshot/remove"), events.topics());
  }
}
