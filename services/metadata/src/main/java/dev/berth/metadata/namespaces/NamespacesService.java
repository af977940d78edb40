package dev.berth.metadata.namespaces;

import com.google.protobuf.Empty;
import containerd.events.NamespaceCreate;
import containerd.events.NamespaceDelete;
import containerd.events.NamespaceUpdate;
import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.CreateNamespaceResponse;
import containerd.services.namespaces.v1.DeleteNamespaceRequest;
import containerd.services.namespaces.v1.GetNamespaceRequest;
import containerd.services.namespaces.v1.GetNamespaceResponse;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.ListNamespacesResponse;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.namespaces.v1.UpdateNamespaceRequest;
import containerd.services.namespaces.v1.UpdateNamespaceResponse;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.filter.Filter;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** containerd's Namespaces API over {@link NamespaceStore}; announces changes as /namespaces/* events. */
public final class NamespacesService extends NamespacesGrpc.NamespacesImplBase {
  private final NamespaceStore namespaces;
  private final List<NamespaceUsage> usages;
  private final EventPublisher events;

  /** {@code usages}: what a namespace may still hold; Delete refuses while any reports something. */
  public NamespacesService(NamespaceStore namespaces, List<NamespaceUsage> usages, EventPublisher events) {
    this.namespaces = namespaces;
    this.usages = List.copyOf(usages);
    this.events = events;
  }

  @Override
  public void get(GetNamespaceRequest request, StreamObserver<GetNamespaceResponse> response) {
    Namespace ns = namespaces.get(request.getName());
    response.onNext(GetNamespaceResponse.newBuilder().setNamespace(ns).build());
    response.onCompleted();
  }

  @Override
  public void list(ListNamespacesRequest request, StreamObserver<ListNamespacesResponse> response) {
    List<Namespace> all = namespaces.list(Filter.parse(List.of(request.getFilter())));
    response.onNext(ListNamespacesResponse.newBuilder().addAllNamespaces(all).build());
    response.onCompleted();
  }

  @Override
  public void create(CreateNamespaceRequest request, StreamObserver<CreateNamespaceResponse> response) {
    Namespace ns = namespaces.create(request.getNamespace());
    // in the namespace created, as containerd 1.7's (1.6 used the caller's, which upstream fixed as a bug)
    events.publish(ns.getName(), "/namespaces/create",
        NamespaceCreate.newBuilder().setName(ns.getName()).putAllLabels(ns.getLabelsMap()).build());
    response.onNext(CreateNamespaceResponse.newBuilder().setNamespace(ns).build());
    response.onCompleted();
  }

  @Override
  public void update(UpdateNamespaceRequest request, StreamObserver<UpdateNamespaceResponse> response) {
    Namespace ns = namespaces.update(request.getNamespace(), request.getUpdateMask().getPathsList());
    events.publish(ns.getName(), "/namespaces/update",
        NamespaceUpdate.newBuilder().setName(ns.getName()).putAllLabels(ns.getLabelsMap()).build());
    response.onNext(UpdateNamespaceResponse.newBuilder().setNamespace(ns).build());
    response.onCompleted();
  }

  @Override
  public void delete(DeleteNamespaceRequest request, StreamObserver<Empty> response) {
    namespaces.delete(request.getName(), usages);
    events.publish(request.getName(), "/namespaces/delete", NamespaceDelete.newBuilder().setName(request.getName()).build());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }
}
