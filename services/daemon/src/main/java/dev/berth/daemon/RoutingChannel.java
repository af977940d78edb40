package dev.berth.daemon;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;

/**
 * One channel for "the Berth API" when services run in separate processes: each call goes to the
 * socket of the service that serves it, chosen by the gRPC service name.
 */
final class RoutingChannel extends Channel {
  private final Map<String, ManagedChannel> byService;

  RoutingChannel(Map<String, ManagedChannel> byService) {
    this.byService = Map.copyOf(byService);
  }

  /** Closes the channels to every group's socket. */
  void shutdownNow() {
    Set.copyOf(byService.values()).forEach(ManagedChannel::shutdownNow);
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    Channel target = byService.get(method.getServiceName());
    if (target == null) {
      throw Status.UNIMPLEMENTED.withDescription("no Berth service serves " + method.getServiceName())
          .asRuntimeException();
    }
    return target.newCall(method, options);
  }

  @Override
  public String authority() {
    return "localhost";
  }
}
