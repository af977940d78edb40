package dev.berth.cri.streaming;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The CRI's streaming server: plain HTTP on a local TCP port (127.0.0.1, a free port unless
 * configured), serving each URL that Exec, Attach and PortForward answered once, upgraded to
 * SPDY/3.1 or WebSocket as the client asks. Network I/O runs on two event-loop threads;
 * processes are driven from threads of each session's own.
 *
 * <p>It listens from {@link #listen()} or from the first URL asked of it, whichever comes first:
 * its transport's start took ~40 ms of berthd's start-up, before its sockets opened, on behalf of
 * a Kubernetes node that may not even be there.
 */
public final class StreamingServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StreamingServer.class.getName());
  private static final int EVENT_LOOP_THREADS = 2;
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final InetSocketAddress address;
  private final StreamRequests requests;
  private final RemoteProcesses processes;
  /** Guarded by this; empty until it listens. */
  private Optional<Listening> listening = Optional.empty();
  private boolean closed;

  private record Listening(EventLoopGroup group, Channel server, String baseUrl) {}

  private StreamingServer(InetSocketAddress address, StreamRequests requests, RemoteProcesses processes) {
    this.address = address;
    this.requests = requests;
    this.processes = processes;
  }

  /**
   * The server for {@code address} (port 0: any free port); {@code api} reaches berthd's services,
   * {@code endedTasks} reads the exits kept on records whose tasks are gone.
   */
  public static StreamingServer on(InetSocketAddress address, io.grpc.Channel api, EndedTasks endedTasks) {
    return new StreamingServer(address, new StreamRequests(Clock.systemUTC(), StreamRequests.TTL),
        new RemoteProcesses(api, endedTasks));
  }

  /**
   * Listens, unless it already does.
   *
   * @return where clients connect, e.g. {@code http://127.0.0.1:41234}
   * @throws StatusRuntimeException UNAVAILABLE when it cannot listen on its address, or was closed
   */
  public synchronized String listen() {
    if (closed) {
      throw Status.UNAVAILABLE.withDescription("the CRI streaming server is shut down").asRuntimeException();
    }
    if (listening.isEmpty()) {
      listening = Optional.of(bind());
      LOG.info("cri: streaming server on " + listening.get().baseUrl());
    }
    return listening.get().baseUrl();
  }

  private Listening bind() {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                  new StreamRouter(requests, processes));
            }
          }).bind(address).syncUninterruptibly().channel();
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      String host = bound.getAddress().getHostAddress();
      return new Listening(group, server, "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort());
    } catch (Exception e) {
      // Netty's sync rethrows the bind's checked exception (BindException) undeclared
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw Status.UNAVAILABLE.withCause(e)
          .withDescription("the CRI streaming server cannot listen on " + address + ": " + e.getMessage())
          .asRuntimeException();
    }
  }

  /** The URL serving {@code request} once, for a minute. */
  String url(StreamRequest request) {
    String kind = request instanceof StreamRequest.Exec ? "exec"
        : request instanceof StreamRequest.Attach ? "attach" : "portforward";
    return listen() + "/" + kind + "/" + requests.insert(request);
  }

  @Override
  public synchronized void close() {
    closed = true;
    listening.ifPresent(l -> {
      l.server().close().syncUninterruptibly();
      l.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    });
  }
}
