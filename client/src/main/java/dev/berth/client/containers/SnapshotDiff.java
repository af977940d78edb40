package dev.berth.client.containers;

import containerd.services.diff.v1.DiffGrpc;
import containerd.services.diff.v1.DiffRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import containerd.types.Mount;
import dev.berth.api.content.Blobs;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.ClientException;
import dev.berth.client.images.Descriptor;
import io.grpc.Channel;
import java.util.List;

/**
 * An active snapshot's changes (its writable layer against its parent) as a layer blob, made by
 * the Diff service from a view of the parent and the snapshot's mounts: what commit and build
 * store as a new layer.
 */
public final class SnapshotDiff {
  private SnapshotDiff() {}

  /** A layer and the digest of its uncompressed tar (its diff ID). */
  public record Layer(Descriptor descriptor, String diffId) {}

  /** The layer of {@code key}, stored under the lease {@code leased} carries, as a blob of {@code mediaType}. */
  public static Layer of(Channel leased, String snapshotter, String key, String mediaType) {
    SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(leased);
    String parent = snapshots.stat(StatSnapshotRequest.newBuilder().setSnapshotter(snapshotter)
        .setKey(key).build()).getInfo().getParent();
    String viewKey = "diff-view-" + ContainerClient.newId().substring(0, 16);
    List<Mount> lower = parent.isEmpty() ? List.of() : snapshots.view(ViewSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(viewKey).setParent(parent).build()).getMountsList();
    Descriptor layer;
    try {
      List<Mount> upper = snapshots.mounts(MountsRequest.newBuilder().setSnapshotter(snapshotter)
          .setKey(key).build()).getMountsList();
      layer = Descriptor.fromProto(DiffGrpc.newBlockingStub(leased).diff(DiffRequest.newBuilder()
          .addAllLeft(lower).addAllRight(upper).setMediaType(mediaType).build()).getDiff());
    } finally {
      if (!parent.isEmpty()) {
        snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(viewKey).build());
      }
    }
    String diffId = Blobs.on(leased).info(layer.digest()).map(i -> i.labels().get(GcLabels.UNCOMPRESSED))
        .orElseThrow(() -> new ClientException("the Diff service stored layer " + layer.digest()
            + " without its uncompressed digest"));
    return new Layer(layer, diffId);
  }
}
