package dev.berth.snapshots;

import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.DeleteResourceRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.Resource;
import dev.berth.common.grpc.Channels;
import io.grpc.Channel;

/** Records lease resources through the Leases service's gRPC API. */
public final class GrpcLeaseRecorder implements LeaseRecorder {
  private final Channel leases;

  public GrpcLeaseRecorder(Channel leasesChannel) {
    this.leases = leasesChannel;
  }

  @Override
  public void add(String namespace, String lease, String snapshotter, String key) {
    LeasesGrpc.newBlockingStub(Channels.inNamespace(leases, namespace)).addResource(
        AddResourceRequest.newBuilder().setId(lease).setResource(resource(snapshotter, key)).build());
  }

  @Override
  public void remove(String namespace, String lease, String snapshotter, String key) {
    LeasesGrpc.newBlockingStub(Channels.inNamespace(leases, namespace)).deleteResource(
        DeleteResourceRequest.newBuilder().setId(lease).setResource(resource(snapshotter, key)).build());
  }

  private static Resource resource(String snapshotter, String key) {
    return Resource.newBuilder().setType("snapshots/" + snapshotter).setId(key).build();
  }
}
