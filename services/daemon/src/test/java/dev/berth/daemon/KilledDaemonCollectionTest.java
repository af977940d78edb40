package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.GarbageCollectorGrpc;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.GcLabels;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A berthd killed with SIGKILL in the middle of sweeping 1,000 blobs and 200 snapshots (after
 * the collector's first hundred removals were announced): restarted, it finishes the collection,
 * every record it serves has its file and every file its record, and nothing reachable is gone.
 * berthd runs as a process of its own, so the kill is a real one at whatever point the sweep is.
 */
class KilledDaemonCollectionTest {
  private static final String NS = "crash";
  private static final int GARBAGE_BLOBS = 1000;
  private static final int GARBAGE_SNAPSHOTS = 200;
  @TempDir Path dir;

  @Test
  void killedMidSweepRestartsConsistentAndFinishes() throws Exception {
    Path root = dir.resolve("root");
    Path state = dir.resolve("run");
    Path socket = state.resolve("berth.sock");
    Path log = dir.resolve("berthd.log");
    try (TestNetns hostNetns = TestNetns.create("berth-gckill")) {
      Map<String, byte[]> kept;
      Process first = Processes.startDaemon(root, state, hostNetns.path(), log);
      try {
        awaitSocket(socket, first);
        ManagedChannel channel = Channels.unix(socket);
        try {
          kept = populate(channel);
          killMidSweep(channel, first);
        } finally {
          channel.shutdownNow();
        }
      } finally {
        first.destroyForcibly().waitFor();
      }

      Process second = Processes.startDaemon(root, state, hostNetns.path(), log);
      try {
        awaitSocket(socket, second);
        ManagedChannel channel = Channels.unix(socket);
        try {
          // after the collection berthd starts with, which finishes the interrupted one
          GarbageCollectorGrpc.newBlockingStub(channel).withWaitForReady().collect(CollectRequest.getDefaultInstance());
          assertConsistent(channel, root, kept);
        } finally {
          channel.shutdownNow();
        }
      } finally {
        second.destroy();
        second.waitFor(10, TimeUnit.SECONDS);
        second.destroyForcibly().waitFor();
      }
    }
  }

  /** Kept: 20 rooted blobs and a rooted chain of 10 snapshots. Garbage: the rest. */
  private static Map<String, byte[]> populate(ManagedChannel channel) throws Exception {
    Blobs blobs = new Blobs(new GrpcContentStore(channel), NS, null);
    Random random = new Random(13);
    Map<String, byte[]> kept = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      byte[] data = new byte[8192 + i];
      random.nextBytes(data);
      kept.put(blobs.write("kept-" + i, data, Map.of(GcLabels.ROOT, "test")).digest(), data);
    }
    // written four at a time: each commit waits for its own fsync
    ForkJoinPool writers = new ForkJoinPool(4);
    try {
      writers.submit(() -> IntStream.range(0, GARBAGE_BLOBS).parallel().forEach(i -> {
        byte[] data = new byte[2048];
        new Random(i).nextBytes(data);
        blobs.write("garbage-" + i, data, Map.of());
      })).get();
    } finally {
      writers.shutdown();
    }
    SnapshotsGrpc.SnapshotsBlockingStub sn = SnapshotsGrpc.newBlockingStub(Channels.inNamespace(channel, NS));
    for (int i = 0; i < GARBAGE_SNAPSHOTS + 10; i++) {
      boolean keep = i >= GARBAGE_SNAPSHOTS;
      String parent = i % 10 == 0 ? "" : "s-" + (i - 1);
      sn.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey("a-" + i).setParent(parent).build());
      CommitSnapshotRequest.Builder commit = CommitSnapshotRequest.newBuilder().setSnapshotter("overlayfs")
          .setName("s-" + i).setKey("a-" + i);
      if (i == GARBAGE_SNAPSHOTS + 9) {
        commit.putLabels(GcLabels.ROOT, "test");
      }
      sn.commit(commit.build());
    }
    return kept;
  }

  /** Starts a collection and kills berthd once it has announced its hundredth removal. */
  private static void killMidSweep(ManagedChannel channel, Process daemon) throws Exception {
    CountDownLatch hundred = new CountDownLatch(100);
    EventsGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder()
        .addFilters("namespace==" + NS + ",topic==\"/snapshot/remove\"")
        .addFilters("namespace==" + NS + ",topic==\"/content/delete\"").build(), new StreamObserver<Envelope>() {
          @Override
          public void onNext(Envelope value) {
            hundred.countDown();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    Thread.sleep(200);
    CompletableFuture<Object> collection = CompletableFuture.supplyAsync(() ->
        GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance()));
    assertTrue(hundred.await(120, TimeUnit.SECONDS), "the sweep did not get under way");
    daemon.destroyForcibly().waitFor();
    assertFalse(collection.isDone() && !collection.isCompletedExceptionally(), "the kill came after the sweep");
  }

  private static void assertConsistent(ManagedChannel channel, Path root, Map<String, byte[]> kept) throws Exception {
    GrpcContentStore store = new GrpcContentStore(channel);
    Set<String> recorded = store.list(NS, Filter.parse(List.of())).stream().map(ContentInfo::digest)
        .collect(Collectors.toSet());
    assertEquals(kept.keySet(), recorded, "the garbage is gone, what was kept stays");
    Blobs blobs = new Blobs(store, NS, null);
    for (Map.Entry<String, byte[]> e : kept.entrySet()) {
      assertEquals(e.getKey(), Digests.sha256(blobs.read(e.getKey(), 1 << 20)), "the blob reads back whole");
    }
    Set<String> files;
    try (Stream<Path> f = Files.list(root.resolve("content/blobs/sha256"))) {
      files = f.map(p -> "sha256:" + p.getFileName()).collect(Collectors.toSet());
    }
    assertEquals(recorded, files, "a file for every record and a record for every file");

    SnapshotsGrpc.SnapshotsBlockingStub sn = SnapshotsGrpc.newBlockingStub(Channels.inNamespace(channel, NS));
    List<String> keys = new ArrayList<>();
    sn.list(ListSnapshotsRequest.newBuilder().setSnapshotter("overlayfs").build())
        .forEachRemaining(b -> b.getInfoList().forEach(i -> keys.add(i.getName())));
    List<String> chain = new ArrayList<>();
    for (int i = GARBAGE_SNAPSHOTS; i < GARBAGE_SNAPSHOTS + 10; i++) {
      chain.add("s-" + i);
      sn.stat(StatSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey("s-" + i).build());
    }
    assertEquals(Set.copyOf(chain), Set.copyOf(keys), "the rooted chain stays whole, the rest is gone");
    try (Stream<Path> d = Files.list(root.resolve("snapshots/overlayfs/snapshots"))) {
      assertEquals(chain.size(), d.count(), "a directory for each snapshot, no more");
    }
  }

  private static void awaitSocket(Path socket, Process p) throws InterruptedException {
    for (int i = 0; i < 300 && !Files.exists(socket); i++) {
      assertTrue(p.isAlive(), "berthd exited early");
      Thread.sleep(100);
    }
    assertTrue(Files.exists(socket), "berthd did not create " + socket);
  }
}
