package dev.berth.volumes;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.CreateVolumeResponse;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.GetVolumeResponse;
import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.ListVolumesResponse;
import berth.volumes.v1.PruneVolumesRequest;
import berth.volumes.v1.PruneVolumesResponse;
import berth.volumes.v1.VolumesGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.filter.Filter;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;

/** Berth's Volumes API over {@link VolumeStore}, in the caller's namespace. */
public final class VolumesService extends VolumesGrpc.VolumesImplBase {
  private final VolumeStore volumes;

  public VolumesService(VolumeStore volumes) {
    this.volumes = volumes;
  }

  @Override
  public void create(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> response) {
    reply(response, CreateVolumeResponse.newBuilder()
        .setVolume(volumes.create(RequestContext.namespace(), request.getName(), request.getLabelsMap(),
            request.getOptionsMap())).build());
  }

  @Override
  public void get(GetVolumeRequest request, StreamObserver<GetVolumeResponse> response) {
    reply(response, GetVolumeResponse.newBuilder()
        .setVolume(volumes.get(RequestContext.namespace(), request.getName())).build());
  }

  @Override
  public void list(ListVolumesRequest request, StreamObserver<ListVolumesResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    reply(response, ListVolumesResponse.newBuilder()
        .addAllVolumes(volumes.list(RequestContext.namespace(), filter)).build());
  }

  @Override
  public void delete(DeleteVolumeRequest request, StreamObserver<Empty> response) {
    volumes.delete(RequestContext.namespace(), request.getName());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void prune(PruneVolumesRequest request, StreamObserver<PruneVolumesResponse> response) {
    VolumeStore.Pruned pruned = volumes.prune(RequestContext.namespace(), request.getAll(),
        Filter.parse(request.getFiltersList()));
    reply(response, PruneVolumesResponse.newBuilder()
        .addAllDeleted(pruned.deleted()).setSpaceReclaimed(pruned.bytes()).build());
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
