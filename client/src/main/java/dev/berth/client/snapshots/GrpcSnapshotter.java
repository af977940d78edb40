package dev.berth.client.snapshots;

import static dev.berth.client.RemoteCalls.call;
import static dev.berth.client.RemoteCalls.run;

import com.google.protobuf.FieldMask;
import containerd.services.snapshots.v1.CleanupRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.Info;
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
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.mount.Mount;
import dev.berth.api.mount.MountMessages;
import dev.berth.api.snapshots.SnapshotInfo;
import dev.berth.api.snapshots.SnapshotKind;
import dev.berth.api.snapshots.SnapshotUsage;
import dev.berth.api.snapshots.Snapshotter;
import io.grpc.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Snapshotter} that is one snapshotter of a containerd Snapshots service: each call goes
 * to {@code snapshotter} in the namespace it names, and fails with the code the server answers.
 */
public final class GrpcSnapshotter implements Snapshotter {
  private final Channel channel;
  private final String snapshotter;

  /**
   * The snapshotter named {@code snapshotter} (e.g. {@code overlayfs}) of the service behind
   * {@code channel}, which must send no namespace header of its own: each call adds its namespace.
   */
  public GrpcSnapshotter(Channel channel, String snapshotter) {
    this.channel = channel;
    this.snapshotter = snapshotter;
  }

  @Override
  public String name() {
    return snapshotter;
  }

  @Override
  public List<Mount> prepare(String namespace, String key, String parent, Map<String, String> labels) {
    return call(() -> MountMessages.fromProto(in(namespace).prepare(PrepareSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).setParent(parent).putAllLabels(labels).build()).getMountsList()));
  }

  @Override
  public List<Mount> view(String namespace, String key, String parent, Map<String, String> labels) {
    return call(() -> MountMessages.fromProto(in(namespace).view(ViewSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).setParent(parent).putAllLabels(labels).build()).getMountsList()));
  }

  @Override
  public List<Mount> mounts(String namespace, String key) {
    return call(() -> MountMessages.fromProto(in(namespace).mounts(MountsRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).build()).getMountsList()));
  }

  @Override
  public void commit(String namespace, String name, String key, Map<String, String> labels, String parent) {
    run(() -> in(namespace).commit(CommitSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setName(name).setKey(key).putAllLabels(labels).setParent(parent).build()));
  }

  @Override
  public void remove(String namespace, String key) {
    run(() -> in(namespace).remove(RemoveSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).build()));
  }

  @Override
  public SnapshotInfo stat(String namespace, String key) {
    return call(() -> info(in(namespace).stat(StatSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).build()).getInfo()));
  }

  @Override
  public SnapshotInfo update(String namespace, String key, Map<String, String> labels, List<String> fieldPaths) {
    return call(() -> info(in(namespace).update(UpdateSnapshotRequest.newBuilder()
        .setSnapshotter(snapshotter)
        .setInfo(Info.newBuilder().setName(key).putAllLabels(labels))
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(fieldPaths))
        .build()).getInfo()));
  }

  @Override
  public List<SnapshotInfo> list(String namespace, Filter filter) {
    return call(() -> {
      List<SnapshotInfo> infos = new ArrayList<>();
      in(namespace).list(ListSnapshotsRequest.newBuilder()
              .setSnapshotter(snapshotter).addAllFilters(filter.sources()).build())
          .forEachRemaining(batch -> batch.getInfoList().forEach(i -> infos.add(info(i))));
      return infos;
    });
  }

  @Override
  public SnapshotUsage usage(String namespace, String key) {
    UsageResponse usage = call(() -> in(namespace).usage(UsageRequest.newBuilder()
        .setSnapshotter(snapshotter).setKey(key).build()));
    return new SnapshotUsage(usage.getSize(), usage.getInodes());
  }

  /** Cleanup concerns the whole snapshotter, so it goes without a namespace. */
  @Override
  public void cleanup() {
    run(() -> SnapshotsGrpc.newBlockingStub(channel).cleanup(CleanupRequest.newBuilder()
        .setSnapshotter(snapshotter).build()));
  }

  private SnapshotsBlockingStub in(String namespace) {
    return SnapshotsGrpc.newBlockingStub(Channels.inNamespace(channel, namespace));
  }

  private static SnapshotInfo info(Info i) {
    return new SnapshotInfo(i.getName(), i.getParent(), kind(i), i.getLabelsMap(),
        ProtoTimes.toInstant(i.getCreatedAt()), ProtoTimes.toInstant(i.getUpdatedAt()));
  }

  private static SnapshotKind kind(Info i) {
    return switch (i.getKind()) {
      case ACTIVE -> SnapshotKind.ACTIVE;
      case VIEW -> SnapshotKind.VIEW;
      case COMMITTED -> SnapshotKind.COMMITTED;
      default -> throw new IllegalStateException("snapshot " + i.getName() + " has kind " + i.getKind());
    };
  }
}
