package dev.berth.tasks;

import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.ListNamespacesResponse;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The one namespace the networked tests use, as the Namespaces service would list it: the task
 * manager looks in every namespace for attachments no task holds.
 */
final class DefaultNamespaceOnly extends NamespacesGrpc.NamespacesImplBase {
  @Override
  public void list(ListNamespacesRequest request, StreamObserver<ListNamespacesResponse> response) {
    response.onNext(ListNamespacesResponse.newBuilder()
        .addNamespaces(Namespace.newBuilder().setName("default")).build());
    response.onCompleted();
  }
}
