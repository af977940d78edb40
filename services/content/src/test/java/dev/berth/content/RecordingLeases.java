package dev.berth.content;

import com.google.protobuf.Empty;
import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.Resource;
import dev.berth.common.grpc.RequestContext;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Leases service that knows the leases a test creates and records what is added to them. */
final class RecordingLeases extends LeasesGrpc.LeasesImplBase {
  private final Map<String, List<Resource>> resources = new ConcurrentHashMap<>();

  void create(String namespace, String lease) {
    resources.put(namespace + "/" + lease, new CopyOnWriteArrayList<>());
  }

  List<Resource> resources(String namespace, String lease) {
    return resources.get(namespace + "/" + lease);
  }

  @Override
  public void addResource(AddResourceRequest request, StreamObserver<Empty> responses) {
    List<Resource> held = resources.get(RequestContext.namespace() + "/" + request.getId());
    if (held == null) {
      responses.onError(Status.NOT_FOUND.withDescription("lease " + request.getId() + " not found").asRuntimeException());
      return;
    }
    held.add(request.getResource());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }
}
