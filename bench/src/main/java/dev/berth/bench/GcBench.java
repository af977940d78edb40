package dev.berth.bench;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.CollectResponse;
import berth.gc.v1.GarbageCollectorGrpc;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.GcLabels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A garbage collection of {@code BLOBS} unreferenced blobs and {@code SNAPSHOTS} unreferenced
 * snapshots (chains of ten), and how long concurrent Content.Info and Content.Read calls of a
 * kept blob waited meanwhile, beside their longest wait over the same time with no collection
 * (the floor): {@code GcBench SOCKET [BLOBS] [SNAPSHOTS]}.
 */
public final class GcBench {
  private static final String NS = "bench-gc";
  private static final int READERS = 2;

  private GcBench() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    int blobs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int snapshots = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    ManagedChannel channel = Channels.unix(socket);
    try {
      Channel ns = Channels.inNamespace(channel, NS);
      Blobs store = new Blobs(new GrpcContentStore(channel), NS, null);
      String kept = store.write("kept", new byte[64 << 10], Map.of(GcLabels.ROOT, "bench")).digest();
      Random random = new Random(7);
      for (int i = 0; i < blobs; i++) {
        byte[] data = new byte[4096];
        random.nextBytes(data);
        store.write("garbage-" + i, data, Map.of());
      }
      SnapshotsGrpc.SnapshotsBlockingStub sn = SnapshotsGrpc.newBlockingStub(ns);
      for (int i = 0; i < snapshots; i++) {
        String parent = i % 10 == 0 ? "" : "chain-" + (i - 1);
        sn.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey("active-" + i)
            .setParent(parent).build());
        sn.commit(CommitSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setName("chain-" + i)
            .setKey("active-" + i).build());
      }
      System.out.printf("made %d unreferenced blobs of 4 KiB and %d snapshots in chains of 10%n", blobs, snapshots);

      Readers warmUp = new Readers(ns, kept, "warm-up");
      warmUp.start();
      Thread.sleep(2000);
      warmUp.stop();
      Readers floor = new Readers(ns, kept, "Info/Read, no collection (floor)");
      long floorStart = System.nanoTime();
      floor.start();
      Thread.sleep(3000);
      floor.stop();
      double floorSeconds = (System.nanoTime() - floorStart) / 1e9;

      Readers during = new Readers(ns, kept, "Info/Read during the collection");
      during.start();
      long t0 = System.nanoTime();
      CollectResponse r = GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());
      long elapsed = System.nanoTime() - t0;
      during.stop();
      System.out.printf("collection: %d items removed (%d KiB) in %.0f ms%n", r.getRemovedCount(),
          r.getSpaceReclaimed() >> 10, elapsed / 1e6);
      during.samples.print();
      System.out.printf("  longest wait %.2f ms%n", during.longest.get() / 1e6);
      floor.samples.print();
      System.out.printf("  longest wait %.2f ms (%.1f s without a collection)%n", floor.longest.get() / 1e6, floorSeconds);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Threads calling Info and Read of one blob in a loop, keeping the longest call. */
  private static final class Readers {
    private final ContentGrpc.ContentBlockingStub content;
    private final String digest;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong longest = new AtomicLong();
    private final Samples samples;
    private final List<Thread> threads = new ArrayList<>();

    Readers(Channel ns, String digest, String name) {
      this.content = ContentGrpc.newBlockingStub(ns);
      this.digest = digest;
      this.samples = new Samples(name);
    }

    void start() {
      for (int i = 0; i < READERS; i++) {
        Thread t = new Thread(this::loop, "reader-" + i);
        threads.add(t);
        t.start();
      }
    }

    private void loop() {
      for (int i = 0; running.get(); i++) {
        long t0 = System.nanoTime();
        if (i % 2 == 0) {
          content.info(InfoRequest.newBuilder().setDigest(digest).build());
        } else {
          content.read(ReadContentRequest.newBuilder().setDigest(digest).build()).forEachRemaining(x -> { });
        }
        long took = System.nanoTime() - t0;
        longest.accumulateAndGet(took, Math::max);
        synchronized (samples) {
          samples.add(took);
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
