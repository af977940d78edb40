package dev.berth.tasks.server;

import com.google.protobuf.Empty;
import containerd.events.ContainerCreate;
import containerd.events.ContainerDelete;
import containerd.events.ContainerUpdate;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.CreateContainerResponse;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.GetContainerResponse;
import containerd.services.containers.v1.ListContainerMessage;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.ListContainersResponse;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.containers.v1.UpdateContainerResponse;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.tasks.containers.ContainerStore;
import io.grpc.stub.StreamObserver;

/**
 * containerd's Containers API over {@link ContainerStore}, announcing changes as /containers/*
 * events; an Update honours Berth's {@link dev.berth.api.grpc.LabelPreconditions} headers, a
 * Delete refuses them.
 */
public final class ContainersService extends ContainersGrpc.ContainersImplBase {
  private final ContainerStore containers;
  private final EventPublisher events;

  public ContainersService(ContainerStore containers, EventPublisher events) {
    this.containers = containers;
    this.events = events;
  }

  @Override
  public void get(GetContainerRequest request, StreamObserver<GetContainerResponse> response) {
    Container container = containers.get(RequestContext.namespace(), request.getId());
    response.onNext(GetContainerResponse.newBuilder().setContainer(container).build());
    response.onCompleted();
  }

  @Override
  public void list(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    response.onNext(ListContainersResponse.newBuilder()
        .addAllContainers(containers.list(RequestContext.namespace(), filter)).build());
    response.onCompleted();
  }

  @Override
  public void listStream(ListContainersRequest request, StreamObserver<ListContainerMessage> response) {
    try {
      Filter filter = Filter.parse(request.getFiltersList());
      for (Container c : containers.list(RequestContext.namespace(), filter)) {
        response.onNext(ListContainerMessage.newBuilder().setContainer(c).build());
      }
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void create(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
    String namespace = RequestContext.namespace();
    Container container = containers.create(namespace, request.getContainer());
    ContainerCreate.Runtime.Builder runtime = ContainerCreate.Runtime.newBuilder().setName(container.getRuntime().getName());
    if (container.getRuntime().hasOptions()) {
      runtime.setOptions(container.getRuntime().getOptions());
    }
    events.publish(namespace, "/containers/create", ContainerCreate.newBuilder()
        .setId(container.getId()).setImage(container.getImage()).setRuntime(runtime).build());
    response.onNext(CreateContainerResponse.newBuilder().setContainer(container).build());
    response.onCompleted();
  }

  @Override
  public void update(UpdateContainerRequest request, StreamObserver<UpdateContainerResponse> response) {
    String namespace = RequestContext.namespace();
    Container container = containers.update(namespace, request.getContainer(), request.getUpdateMask().getPathsList(),
        RequestContext.labelPreconditions());
    events.publish(namespace, "/containers/update", ContainerUpdate.newBuilder()
        .setId(container.getId()).setImage(container.getImage()).putAllLabels(container.getLabelsMap())
        .setSnapshotKey(container.getSnapshotKey()).build());
    response.onNext(UpdateContainerResponse.newBuilder().setContainer(container).build());
    response.onCompleted();
  }

  @Override
  public void delete(DeleteContainerRequest request, StreamObserver<Empty> response) {
    String namespace = RequestContext.namespace();
    RequestContext.refuseLabelPreconditions("Containers.Delete");
    containers.delete(namespace, request.getId());
    events.publish(namespace, "/containers/delete", ContainerDelete.newBuilder().setId(request.getId()).build());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }
}
