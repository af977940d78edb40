package dev.berth.volumes;

import berth.events.v1.VolumeChange;
import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.CreateVolumeResponse;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.GetVolumeResponse;
import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.ListVolumesResponse;
import berth.volumes.v1.PruneVolumesRequest;
import berth.volumes.v1.PruneVolumesResponse;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.filter.Filter;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;

/**
 * Berth's Volumes API over {@link VolumeStore}, in the caller's namespace; volumes made and
 * removed (also by prune) are announced there (Docker's volume events; containerd has none).
 */
public final class VolumesService extends VolumesGrpc.VolumesImplBase {
  private final VolumeStore volumes;
  private final EventPublisher events;

  public VolumesService(VolumeStore volumes, EventPublisher events) {
    this.volumes = volumes;
    this.events = events;
  }

  @Override
  public void create(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> response) {
    Volume v = volumes.create(RequestContext.namespace(), request.getName(), request.getLabelsMap(),
        request.getOptionsMap());
    announce("/volumes/create", v.getName());
    reply(response, CreateVolumeResponse.newBuilder().setVolume(v).build());
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
    announce("/volumes/delete", request.getName());
    reply(response, Empty.getDefaultInstance());
  }

  @Override
  public void prune(PruneVolumesRequest request, StreamObserver<PruneVolumesResponse> response) {
    VolumeStore.Pruned pruned = volumes.prune(RequestContext.namespace(), request.getAll(),
        Filter.parse(request.getFiltersList()));
    pruned.deleted().forEach(name -> announce("/volumes/delete", name));
    reply(response, PruneVolumesResponse.newBuilder()
        .addAllDeleted(pruned.deleted()).setSpaceReclaimed(pruned.bytes()).build());
  }

  private void announce(String topic, String name) {
    events.publish(RequestContext.namespace(), topic,
        VolumeChange.newBuilder().setName(name).setDriver(VolumeStore.DRIVER).build());
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
