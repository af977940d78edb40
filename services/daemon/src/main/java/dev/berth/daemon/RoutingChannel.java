package dev.berth.daemon;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One channel for "the Berth API" when services run in separate processes: each call goes to the
 * socket of the service that serves it, chosen by the gRPC service name.
 */
final class RoutingChannel extends Channel {
  /** The group serving a service, where it listens, and the channel to it. */
  record Route(String group, Path socket, ManagedChannel channel) {}

  private static final long RECONNECT_MILLIS = 200;

  private final Map<String, Route> byService;

  RoutingChannel(Map<String, Route> byService) {
    this.byService = Map.copyOf(byService);
    byService.values().stream().map(Route::channel).distinct().forEach(RoutingChannel::reconnectPromptly);
  }

  /**
   * A channel whose connects failed waits up to two minutes before it tries again, and fails every
   * call meanwhile: a group started again would go on looking down for that long. While its channel
   * is failed, a group's socket is tried again every {@link #RECONNECT_MILLIS} instead. The channel
   * stays failed through the connects that fail (gRPC reports no change of state for them), so
   * this looks again on a timer rather than waiting for one.
   */
  private static void reconnectPromptly(ManagedChannel channel) {
    ConnectivityState now = channel.getState(false);
    if (now == ConnectivityState.TRANSIENT_FAILURE) {
      CompletableFuture.delayedExecutor(RECONNECT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
        channel.resetConnectBackoff();
        reconnectPromptly(channel);
      });
    } else if (now != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(now, () -> reconnectPromptly(channel));
    }
  }

  /** Whether some group serves {@code service} (a full gRPC service name). */
  boolean serves(String service) {
    return byService.containsKey(service);
  }

  /** Each gRPC service a group serves (full name), and its route. */
  Map<String, Route> routes() {
    return byService;
  }

  /** Closes the channels to every group's socket. */
  void shutdownNow() {
    byService.values().stream().map(Route::channel).distinct().forEach(ManagedChannel::shutdownNow);
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    Route route = byService.get(method.getServiceName());
    if (route == null) {
      throw Status.UNIMPLEMENTED.withDescription("no Berth service serves " + method.getServiceName())
          .asRuntimeException();
    }
    return new SimpleForwardingClientCall<>(route.channel().newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            super.onClose(unreachable(status) ? namingGroup(status, route) : status, trailers);
          }
        }, headers);
      }
    };
  }

  /**
   * The connection failed, rather than the service answering UNAVAILABLE (a status from the wire
   * has no cause).
   */
  private static boolean unreachable(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null;
  }

  private static Status namingGroup(Status status, Route route) {
    return status.withDescription("berthd's " + route.group() + " group does not answer on " + route.socket()
        + " (is `berthd --service " + route.group() + "` running?): " + status.getDescription());
  }

  @Override
  public String authority() {
    return "localhost";
  }
}
