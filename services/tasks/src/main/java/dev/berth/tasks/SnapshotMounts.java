package dev.berth.tasks;

import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;

/** Asks the Snapshots service how to mount a container's snapshot, when the Create request brings no mounts. */
final class SnapshotMounts {
  private final Channel api;

  @Inject
  SnapshotMounts(Channel api) {
    this.api = api;
  }

  /** The mounts of snapshot {@code key}; the Snapshots service's status (NOT_FOUND, ...) reaches the caller as is. */
  List<Mount> of(String namespace, String snapshotter, String key) {
    return SnapshotsGrpc.newBlockingStub(Channels.inNamespace(api, namespace))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .mounts(MountsRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build())
        .getMountsList();
  }
}
