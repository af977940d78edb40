package dev.berth.snapshots;

import berth.gc.v1.SnapshotSweeperGrpc;
import berth.gc.v1.SweepRequest;
import berth.gc.v1.SweepResponse;
import berth.gc.v1.Swept;
import containerd.events.SnapshotRemove;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.RecentUse;
import dev.berth.common.grpc.RequestContext;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Map;

/**
 * berth.gc.v1.SnapshotSweeper: the collector's batched Snapshots.Remove, in the caller's
 * namespace, announcing each removal as {@code /snapshot/remove}, sparing snapshots that joined
 * a lease since the collection began.
 */
public final class SnapshotSweeperService extends SnapshotSweeperGrpc.SnapshotSweeperImplBase {
  private final OverlaySnapshotter overlay;
  private final EventPublisher events;
  private final RecentUse leasedLately;

  /** {@code leasedLately}: the one the {@link SnapshotsService} notes its leased Stats in. */
  public SnapshotSweeperService(OverlaySnapshotter overlay, EventPublisher events, RecentUse leasedLately) {
    this.overlay = overlay;
    this.events = events;
    this.leasedLately = leasedLately;
  }

  @Override
  public void sweep(SweepRequest request, StreamObserver<SweepResponse> response) {
    if (!request.getSnapshotter().equals(overlay.name())) {
      throw Errors.invalidArgument("snapshotter %s was not found: the known snapshotter is %s",
          request.getSnapshotter().isEmpty() ? "\"\"" : request.getSnapshotter(), overlay.name());
    }
    String ns = RequestContext.namespace();
    request.getIdsList().forEach(key -> SnapshotKeys.validate("key", key));
    Instant untouchedSince = request.hasUntouchedSince() ? ProtoTimes.toInstant(request.getUntouchedSince())
        : Instant.EPOCH;
    leasedLately.prune();
    Map<String, Long> removed = overlay.removeAll(ns, request.getIdsList(),
        key -> leasedLately.usedSince(ns, key, untouchedSince));
    SweepResponse.Builder answer = SweepResponse.newBuilder();
    removed.forEach((key, size) -> {
      answer.addSwept(Swept.newBuilder().setId(key).setSize(size));
      events.publish(ns, "/snapshot/remove", SnapshotRemove.newBuilder().setKey(key).setSnapshotter(overlay.name()).build());
    });
    response.onNext(answer.build());
    response.onCompleted();
  }
}
