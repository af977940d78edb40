package dev.berth.snapshots;

import com.google.protobuf.Empty;
import containerd.events.SnapshotCommit;
import containerd.events.SnapshotPrepare;
import containerd.events.SnapshotRemove;
import containerd.services.snapshots.v1.CleanupRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.Kind;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.ListSnapshotsResponse;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.MountsResponse;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.PrepareSnapshotResponse;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.services.snapshots.v1.StatSnapshotResponse;
import containerd.services.snapshots.v1.UpdateSnapshotRequest;
import containerd.services.snapshots.v1.UpdateSnapshotResponse;
import containerd.services.snapshots.v1.UsageRequest;
import containerd.services.snapshots.v1.UsageResponse;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import containerd.services.snapshots.v1.ViewSnapshotResponse;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.api.mount.Mount;
import dev.berth.api.mount.MountMessages;
import dev.berth.api.snapshots.SnapshotInfo;
import dev.berth.api.snapshots.SnapshotUsage;
import dev.berth.api.snapshots.Snapshotter;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.RecentUse;
import dev.berth.common.grpc.RequestContext;
import dev.berth.common.grpc.NamespaceRegistrar;
import dev.berth.common.leases.LeaseRecorder;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * containerd.services.snapshots.v1.Snapshots: picks the snapshotter a request names and
 * delegates; records new snapshots, and those a Stat under a lease finds, in the request's
 * lease, registers namespaces on first use
 * and publishes {@code /snapshot/prepare}, {@code /snapshot/commit} and {@code /snapshot/remove}
 * (View publishes nothing, as in containerd).
 */
public final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {
  private static final Logger LOG = Logger.getLogger(SnapshotsService.class.getName());
  /** Infos per List message, well below gRPC's message size limit. */
  private static final int LIST_BATCH = 100;

  private final Map<String, Snapshotter> snapshotters;
  private final LeaseRecorder leases;
  private final NamespaceRegistrar namespaces;
  private final EventPublisher events;
  private final RecentUse leasedLately;

  /** {@code snapshotters} by the name requests use, e.g. {@code Map.of("overlayfs", overlay)}. */
  public SnapshotsService(Map<String, Snapshotter> snapshotters, LeaseRecorder leases,
      NamespaceRegistrar namespaces, EventPublisher events) {
    this(snapshotters, leases, namespaces, events, new RecentUse());
  }

  /**
   * As above, noting in {@code leasedLately} when a Stat took a snapshot into its lease, for the
   * {@link SnapshotSweeperService} given the same.
   */
  public SnapshotsService(Map<String, Snapshotter> snapshotters, LeaseRecorder leases,
      NamespaceRegistrar namespaces, EventPublisher events, RecentUse leasedLately) {
    this.snapshotters = Map.copyOf(snapshotters);
    this.leases = leases;
    this.namespaces = namespaces;
    this.events = events;
    this.leasedLately = leasedLately;
  }

  @Override
  public void prepare(PrepareSnapshotRequest request, StreamObserver<PrepareSnapshotResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String ns = RequestContext.namespace();
    String key = SnapshotKeys.validate("key", request.getKey());
    List<Mount> mounts = create(ns, sn, key, () -> sn.prepare(ns, key, request.getParent(), request.getLabelsMap()));
    events.publish(ns, "/snapshot/prepare", SnapshotPrepare.newBuilder()
        .setKey(key).setParent(request.getParent()).setSnapshotter(sn.name()).build());
    response.onNext(PrepareSnapshotResponse.newBuilder().addAllMounts(MountMessages.toProto(mounts)).build());
    response.onCompleted();
  }

  @Override
  public void view(ViewSnapshotRequest request, StreamObserver<ViewSnapshotResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String ns = RequestContext.namespace();
    String key = SnapshotKeys.validate("key", request.getKey());
    List<Mount> mounts = create(ns, sn, key, () -> sn.view(ns, key, request.getParent(), request.getLabelsMap()));
    response.onNext(ViewSnapshotResponse.newBuilder().addAllMounts(MountMessages.toProto(mounts)).build());
    response.onCompleted();
  }

  /** What Prepare and View share: the namespace exists and the lease holds the key before the snapshot does. */
  private List<Mount> create(String ns, Snapshotter sn, String key, IoCalls.IoCall<List<Mount>> make) {
    namespaces.ensure(ns);
    addToLease(ns, sn, key);
    return IoCalls.internalOnFailure(make);
  }

  @Override
  public void mounts(MountsRequest request, StreamObserver<MountsResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String key = SnapshotKeys.validate("key", request.getKey());
    List<Mount> mounts = sn.mounts(RequestContext.namespace(), key);
    response.onNext(MountsResponse.newBuilder().addAllMounts(MountMessages.toProto(mounts)).build());
    response.onCompleted();
  }

  @Override
  public void commit(CommitSnapshotRequest request, StreamObserver<Empty> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String name = SnapshotKeys.validate("name", request.getName());
    String key = SnapshotKeys.validate("key", request.getKey());
    String ns = RequestContext.namespace();
    addToLease(ns, sn, name);
    IoCalls.internalOnFailure(() -> {
      sn.commit(ns, name, key, request.getLabelsMap(), request.getParent());
      return null;
    });
    dropFromLease(ns, sn, key);
    events.publish(ns, "/snapshot/commit", SnapshotCommit.newBuilder()
        .setKey(key).setName(name).setSnapshotter(sn.name()).build());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void remove(RemoveSnapshotRequest request, StreamObserver<Empty> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String key = SnapshotKeys.validate("key", request.getKey());
    String ns = RequestContext.namespace();
    IoCalls.internalOnFailure(() -> {
      sn.remove(ns, key);
      return null;
    });
    dropFromLease(ns, sn, key);
    events.publish(ns, "/snapshot/remove", SnapshotRemove.newBuilder().setKey(key).setSnapshotter(sn.name()).build());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  /**
   * Under a lease the snapshot joins the lease first, as an existing blob joins the lease of an
   * ingest: an unpack that finds its layer's snapshot here references it (labels the image's
   * config with it) only later, and a collection marking meanwhile must neither take it now (the
   * sweep spares what joined a lease since the collection began) nor later. The note is made
   * before the read, which waits for a sweep under way: either the sweep sees the note, or this
   * Stat sees the snapshot gone. Containerd's Stat takes nothing into a lease.
   */
  @Override
  public void stat(StatSnapshotRequest request, StreamObserver<StatSnapshotResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String key = SnapshotKeys.validate("key", request.getKey());
    String ns = RequestContext.namespace();
    if (RequestContext.lease() != null) {
      addToLease(ns, sn, key);
      leasedLately.touch(ns, key);
    }
    SnapshotInfo info = sn.stat(ns, key);
    response.onNext(StatSnapshotResponse.newBuilder().setInfo(toProto(info)).build());
    response.onCompleted();
  }

  @Override
  public void update(UpdateSnapshotRequest request, StreamObserver<UpdateSnapshotResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String key = SnapshotKeys.validate("name", request.getInfo().getName());
    SnapshotInfo info = sn.update(RequestContext.namespace(), key, request.getInfo().getLabelsMap(),
        request.getUpdateMask().getPathsList());
    response.onNext(UpdateSnapshotResponse.newBuilder().setInfo(toProto(info)).build());
    response.onCompleted();
  }

  @Override
  public void list(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> response) {
    try {
      Snapshotter sn = snapshotter(request.getSnapshotter());
      List<SnapshotInfo> infos = sn.list(RequestContext.namespace(), Filter.parse(request.getFiltersList()));
      for (int i = 0; i < infos.size(); i += LIST_BATCH) {
        ListSnapshotsResponse.Builder batch = ListSnapshotsResponse.newBuilder();
        infos.subList(i, Math.min(infos.size(), i + LIST_BATCH)).forEach(info -> batch.addInfo(toProto(info)));
        response.onNext(batch.build());
      }
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void usage(UsageRequest request, StreamObserver<UsageResponse> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    String key = SnapshotKeys.validate("key", request.getKey());
    SnapshotUsage usage = IoCalls.internalOnFailure(() -> sn.usage(RequestContext.namespace(), key));
    response.onNext(UsageResponse.newBuilder().setSize(usage.size()).setInodes(usage.inodes()).build());
    response.onCompleted();
  }

  @Override
  public void cleanup(CleanupRequest request, StreamObserver<Empty> response) {
    Snapshotter sn = snapshotter(request.getSnapshotter());
    IoCalls.internalOnFailure(() -> {
      sn.cleanup();
      return null;
    });
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  /** containerd answers INVALID_ARGUMENT, not NOT_FOUND, for a snapshotter it does not have. */
  private Snapshotter snapshotter(String name) {
    Snapshotter sn = snapshotters.get(name);
    if (sn == null) {
      throw Errors.invalidArgument("snapshotter %s was not found: known snapshotters are %s",
          name.isEmpty() ? "\"\"" : name, snapshotters.keySet());
    }
    return sn;
  }

  /**
   * Protects {@code key} before it exists, so a collector can never see it unprotected. If the
   * operation then fails, the lease keeps a reference to nothing (or to an existing snapshot of
   * that key), which protects nothing new and goes with the lease.
   */
  private void addToLease(String ns, Snapshotter sn, String key) {
    String lease = RequestContext.lease();
    if (lease != null) {
      leases.add(ns, lease, "snapshots/" + sn.name(), key);
    }
  }

  private void dropFromLease(String ns, Snapshotter sn, String key) {
    String lease = RequestContext.lease();
    if (lease == null) {
      return;
    }
    try {
      leases.remove(ns, lease, "snapshots/" + sn.name(), key);
    } catch (RuntimeException e) {
      // the snapshot change has happened; a stale lease entry only protects a name that is gone
      LOG.warning("cannot drop snapshot " + key + " from lease " + lease + " in namespace " + ns + ": "
          + e.getMessage());
    }
  }

  private static Info toProto(SnapshotInfo info) {
    return Info.newBuilder()
        .setName(info.name())
        .setParent(info.parent())
        .setKind(switch (info.kind()) {
          case ACTIVE -> Kind.ACTIVE;
          case VIEW -> Kind.VIEW;
          case COMMITTED -> Kind.COMMITTED;
        })
        .setCreatedAt(EpochNanos.toTimestamp(info.created()))
        .setUpdatedAt(EpochNanos.toTimestamp(info.updated()))
        .putAllLabels(info.labels())
        .build();
  }
}
