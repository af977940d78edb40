package dev.berth.api.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Client channels to Berth's sockets, and the headers that pick a namespace or lease. */
public final class Channels {
  private Channels() {}

  /**
   * gRPC asks every connection for TCP keep-alive, which a Unix socket has not, and Netty warns
   * about it on each connect; held here so the setting outlives garbage collection. A class of its
   * own, set up by the first Netty channel: callers of the interceptors below alone (berthctl,
   * whose calls take its own transport) have no Netty to quiet.
   */
  private static final class NettyBootstrapLog {
    private static final Logger LOGGER = Logger.getLogger("io.netty.bootstrap");

    static {
      LOGGER.setLevel(Level.SEVERE);
    }

    /** Nothing: calling it runs the initialiser above, once. */
    static void quiet() {}
  }

  /** A channel to a gRPC server on a Unix socket. */
  public static ManagedChannel unix(Path socket) {
    NettyBootstrapLog.quiet();
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .overrideAuthority("localhost")
        .usePlaintext()
        .maxInboundMessageSize(MessageLimits.MAX_MESSAGE_BYTES)
        .flowControlWindow(MessageLimits.FLOW_CONTROL_WINDOW_BYTES)
        .build();
    return new ChannelWithCleanup(channel, group::shutdownGracefully);
  }

  /** {@code channel} sending {@code containerd-namespace: namespace} on every call. */
  public static Channel inNamespace(Channel channel, String namespace) {
    return withHeader(channel, Headers.NAMESPACE, namespace);
  }

  /** {@code channel} sending {@code containerd-lease: lease} on every call. */
  public static Channel withLease(Channel channel, String lease) {
    return withHeader(channel, Headers.LEASE, lease);
  }

  private static Channel withHeader(Channel channel, Metadata.Key<String> key, String value) {
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(key, value);
            super.start(listener, headers);
          }
        };
      }
    });
  }
}
