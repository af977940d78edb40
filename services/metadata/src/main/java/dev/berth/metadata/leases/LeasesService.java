package dev.berth.metadata.leases;

import com.google.protobuf.Empty;
import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.CreateResponse;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.DeleteResourceRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.ListResourcesResponse;
import containerd.services.leases.v1.ListResponse;
import dev.berth.api.filter.Filter;
import dev.berth.common.gc.GarbageCollectionRequests;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;

/**
 * containerd's Leases API over {@link LeaseStore}, in the caller's namespace. Deleting a lease
 * asks for a garbage collection soon, or (containerd's {@code sync}) waits for one.
 */
public final class LeasesService extends LeasesGrpc.LeasesImplBase {
  private final LeaseStore leases;
  private final GarbageCollectionRequests gc;

  public LeasesService(LeaseStore leases, GarbageCollectionRequests gc) {
    this.leases = leases;
    this.gc = gc;
  }

  @Override
  public void create(CreateRequest request, StreamObserver<CreateResponse> response) {
    response.onNext(CreateResponse.newBuilder()
        .setLease(leases.create(RequestContext.namespace(), request.getId(), request.getLabelsMap())).build());
    response.onCompleted();
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<Empty> response) {
    leases.delete(RequestContext.namespace(), request.getId());
    if (request.getSync()) {
      gc.collectNow();
    } else {
      gc.collectSoon();
    }
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void list(ListRequest request, StreamObserver<ListResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    response.onNext(ListResponse.newBuilder().addAllLeases(leases.list(RequestContext.namespace(), filter)).build());
    response.onCompleted();
  }

  @Override
  public void addResource(AddResourceRequest request, StreamObserver<Empty> response) {
    leases.addResource(RequestContext.namespace(), request.getId(), request.getResource());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void deleteResource(DeleteResourceRequest request, StreamObserver<Empty> response) {
    leases.deleteResource(RequestContext.namespace(), request.getId(), request.getResource());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void listResources(ListResourcesRequest request, StreamObserver<ListResourcesResponse> response) {
    response.onNext(ListResourcesResponse.newBuilder()
        .addAllResources(leases.listResources(RequestContext.namespace(), request.getId())).build());
    response.onCompleted();
  }
}
