package dev.berth.network;

import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.CreateNetworkResponse;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.GetNetworkResponse;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.ListNetworksResponse;
import berth.network.v1.NetworksGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.filter.Filter;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkManager;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;

/** berth.network.v1.Networks over a {@link NetworkManager}. Serve it wrapped with {@code ServiceInterceptors.wrap}. */
public final class NetworksService extends NetworksGrpc.NetworksImplBase {
  private final NetworkManager manager;
  private final NetworkEvents events;

  NetworksService(NetworkManager manager, NetworkEvents events) {
    this.manager = manager;
    this.events = events;
  }

  @Override
  public void create(CreateNetworkRequest request, StreamObserver<CreateNetworkResponse> responses) {
    NetworkInfo n = manager.createNetwork(NetworkMessages.spec(request.getNetwork()));
    events.created(RequestContext.namespace(), n);
    responses.onNext(CreateNetworkResponse.newBuilder().setNetwork(NetworkMessages.network(n)).build());
    responses.onCompleted();
  }

  @Override
  public void get(GetNetworkRequest request, StreamObserver<GetNetworkResponse> responses) {
    NetworkInfo n = manager.getNetwork(request.getName());
    responses.onNext(GetNetworkResponse.newBuilder().setNetwork(NetworkMessages.network(n)).build());
    responses.onCompleted();
  }

  @Override
  public void list(ListNetworksRequest request, StreamObserver<ListNetworksResponse> responses) {
    ListNetworksResponse.Builder b = ListNetworksResponse.newBuilder();
    manager.listNetworks(Filter.parse(request.getFiltersList()))
        .forEach(n -> b.addNetworks(NetworkMessages.network(n)));
    responses.onNext(b.build());
    responses.onCompleted();
  }

  @Override
  public void delete(DeleteNetworkRequest request, StreamObserver<Empty> responses) {
    NetworkInfo n = manager.getNetwork(request.getName());
    manager.deleteNetwork(request.getName());
    events.deleted(RequestContext.namespace(), n);
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }
}
