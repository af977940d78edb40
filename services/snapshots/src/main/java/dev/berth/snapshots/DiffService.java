package dev.berth.snapshots;

import containerd.services.diff.v1.ApplyRequest;
import containerd.services.diff.v1.ApplyResponse;
import containerd.services.diff.v1.DiffGrpc;
import containerd.services.diff.v1.DiffRequest;
import containerd.services.diff.v1.DiffResponse;
import containerd.types.Descriptor;
import dev.berth.common.grpc.RequestContext;
import dev.berth.snapshots.diff.LayerApplier;
import dev.berth.snapshots.diff.LayerCompression;
import dev.berth.snapshots.diff.LayerDiffer;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;

/**
 * containerd.services.diff.v1.Diff: Apply unpacks a layer blob from the Content service onto
 * mounts; Diff stores the changes between two mount lists there as a new layer blob.
 */
public final class DiffService extends DiffGrpc.DiffImplBase {
  /** The most a layer may inflate to unless configured otherwise: far beyond real images. */
  public static final long DEFAULT_MAX_LAYER_BYTES = 64L << 30;

  private final LayerApplier applier;
  private final LayerDiffer differ;

  /**
   * @param contentChannel reaches the Content service (calls carry the request's namespace)
   * @param scratch a directory for temporary mount points and staged layers, e.g.
   *     {@code <root>/snapshots/tmp}
   * @param maxLayerBytes the most bytes an applied layer may inflate to; beyond it the apply
   *     fails with INVALID_ARGUMENT
   */
  public DiffService(Channel contentChannel, Path scratch, long maxLayerBytes) {
    this.applier = new LayerApplier(contentChannel, scratch, maxLayerBytes);
    this.differ = new LayerDiffer(contentChannel, scratch);
  }

  @Override
  public void apply(ApplyRequest request, StreamObserver<ApplyResponse> response) {
    Descriptor layer = request.getDiff();
    LayerApplier.Applied applied = IoCalls.internalOnFailure(() -> applier.apply(RequestContext.namespace(),
        layer.getMediaType(), layer.getDigest(), layer.getSize(), ProtoMounts.fromProto(request.getMountsList())));
    response.onNext(ApplyResponse.newBuilder().setApplied(Descriptor.newBuilder()
        .setMediaType(LayerCompression.OCI_LAYER).setDigest(applied.diffId()).setSize(applied.size())).build());
    response.onCompleted();
  }

  @Override
  public void diff(DiffRequest request, StreamObserver<DiffResponse> response) {
    LayerDiffer.Stored stored = IoCalls.internalOnFailure(() -> differ.diff(RequestContext.namespace(),
        RequestContext.lease(),
        ProtoMounts.fromProto(request.getLeftList()), ProtoMounts.fromProto(request.getRightList()),
        request.getMediaType(), request.getRef(), request.getLabelsMap()));
    response.onNext(DiffResponse.newBuilder().setDiff(Descriptor.newBuilder()
        .setMediaType(stored.mediaType()).setDigest(stored.digest()).setSize(stored.size())).build());
    response.onCompleted();
  }
}
