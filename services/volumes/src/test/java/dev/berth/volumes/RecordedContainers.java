package dev.berth.volumes;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.ListContainersResponse;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A Containers service that lists the records a test puts in it, per namespace (List only). */
final class RecordedContainers extends ContainersGrpc.ContainersImplBase {
  private final Map<String, List<Container>> byNamespace = new ConcurrentHashMap<>();

  void put(String namespace, String id, String volumesLabel) {
    byNamespace.computeIfAbsent(namespace, n -> new ArrayList<>())
        .add(Container.newBuilder().setId(id).putLabels(ContainerLabels.VOLUMES, volumesLabel).build());
  }

  void clear() {
    byNamespace.clear();
  }

  @Override
  public void list(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
    response.onNext(ListContainersResponse.newBuilder()
        .addAllContainers(byNamespace.getOrDefault(RequestContext.namespace(), List.of())).build());
    response.onCompleted();
  }
}
