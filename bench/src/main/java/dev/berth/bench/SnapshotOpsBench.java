package dev.berth.bench;

import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/**
 * Latency of prepare, mounts, commit and remove through the Snapshots API over berthd's socket:
 * {@code SnapshotOpsBench SOCKET [ITERATIONS]}.
 */
public final class SnapshotOpsBench {
  private SnapshotOpsBench() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    ManagedChannel channel = Channels.unix(socket);
    try {
      SnapshotsGrpc.SnapshotsBlockingStub snapshots =
          SnapshotsGrpc.newBlockingStub(Channels.inNamespace(channel, "bench"));
      Samples prepare = new Samples("snapshots prepare");
      Samples mounts = new Samples("snapshots mounts");
      Samples commit = new Samples("snapshots commit");
      Samples remove = new Samples("snapshots remove");
      String sn = "overlayfs";
      snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(sn).setKey("bench-base-active").build());
      snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(sn).setName("bench-base")
          .setKey("bench-base-active").build());
      for (int i = 0; i < iterations + 50; i++) {
        boolean warm = i >= 50;
        String key = "bench-" + i;
        long t0 = System.nanoTime();
        snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(sn).setKey(key).setParent("bench-base").build());
        long t1 = System.nanoTime();
        snapshots.mounts(MountsRequest.newBuilder().setSnapshotter(sn).setKey(key).build());
        long t2 = System.nanoTime();
        snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(sn).setName(key + "-c").setKey(key).build());
        long t3 = System.nanoTime();
        snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(sn).setKey(key + "-c").build());
        long t4 = System.nanoTime();
        if (warm) {
          prepare.add(t1 - t0);
          mounts.add(t2 - t1);
          commit.add(t3 - t2);
          remove.add(t4 - t3);
        }
      }
      snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(sn).setKey("bench-base").build());
      prepare.print();
      mounts.print();
      commit.print();
      remove.print();
    } finally {
      channel.shutdownNow();
    }
  }
}
