package dev.berth.common.leases;

import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.DeleteResourceRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.Resource;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** Records lease resources through the Leases service's gRPC API. */
public final class GrpcLeaseRecorder implements LeaseRecorder {
  /** A request waits for the lease at most this long rather than hanging on a stuck service. */
  private static final long DEADLINE_SECONDS = 30;
  private final Channel leases;

  public GrpcLeaseRecorder(Channel leasesChannel) {
    this.leases = leasesChannel;
  }

  private LeasesGrpc.LeasesBlockingStub stub(String namespace) {
    return LeasesGrpc.newBlockingStub(Channels.inNamespace(leases, namespace))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void add(String namespace, String lease, String type, String id) {
    try {
      stub(namespace).addResource(AddResourceRequest.newBuilder()
          .setId(lease).setResource(Resource.newBuilder().setType(type).setId(id)).build());
    } catch (StatusRuntimeException e) {
      throw passOn(e, "cannot add " + type + " " + id + " to lease " + lease);
    }
  }

  @Override
  public void remove(String namespace, String lease, String type, String id) {
    try {
      stub(namespace).deleteResource(DeleteResourceRequest.newBuilder()
          .setId(lease).setResource(Resource.newBuilder().setType(type).setId(id)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw passOn(e, "cannot remove " + type + " " + id + " from lease " + lease);
      }
    }
  }

  /** Keeps the Leases service's code (NOT_FOUND for an absent lease): clients branch on it. */
  private static StatusRuntimeException passOn(StatusRuntimeException e, String what) {
    return Status.fromCode(e.getStatus().getCode())
        .withDescription(what + ": " + e.getStatus().getDescription())
        .asRuntimeException();
  }
}
