package dev.berth.snapshots;

import com.google.protobuf.Empty;
import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.DeleteResourceRequest;
import containerd.services.leases.v1.LeasesGrpc;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Leases server holding resources in memory per namespace and lease, answering NOT_FOUND for
 * unknown leases as containerd does: enough to see what the snapshots service records on the wire.
 */
final class LeasesServiceDouble extends LeasesGrpc.LeasesImplBase {
  /** "namespace/lease" → resources as "type=id". */
  final Map<String, Set<String>> resources = new ConcurrentHashMap<>();

  void create(String namespace, String lease) {
    resources.put(namespace + "/" + lease, ConcurrentHashMap.newKeySet());
  }

  Set<String> resourcesOf(String namespace, String lease) {
    return resources.get(namespace + "/" + lease);
  }

  @Override
  public void addResource(AddResourceRequest request, StreamObserver<Empty> response) {
    lease(request.getId()).add(request.getResource().getType() + "=" + request.getResource().getId());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void deleteResource(DeleteResourceRequest request, StreamObserver<Empty> response) {
    lease(request.getId()).remove(request.getResource().getType() + "=" + request.getResource().getId());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  private Set<String> lease(String id) {
    Set<String> set = resources.get(RequestContext.namespace() + "/" + id);
    if (set == null) {
      throw Errors.notFound("lease %s not found", id);
    }
    return set;
  }
}
