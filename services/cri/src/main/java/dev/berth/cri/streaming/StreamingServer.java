package dev.berth.cri.streaming;

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
import java.util.logging.Logger;

/**
 * The CRI's streaming server: plain HTTP on a local TCP port (127.0.0.1, a free port unless
 * configured), serving each URL that Exec, Attach and PortForward answered once, upgraded to
 * SPDY/3.1 or WebSocket as the client asks. Network I/O runs on two event-loop threads;
 * processes are driven from threads of each session's own.
 */
public final class StreamingServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StreamingServer.class.getName());
  private static final int EVENT_LOOP_THREADS = 2;
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final StreamRequests requests;
  private final EventLoopGroup group;
  private final Channel server;
  private final String baseUrl;

  private StreamingServer(StreamRequests requests, EventLoopGroup group, Channel server) {
    this.requests = requests;
    this.group = group;
    this.server = server;
    InetSocketAddress bound = (InetSocketAddress) server.localAddress();
    String host = bound.getAddress().getHostAddress();
    this.baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  /** Listens on {@code address} (port 0: any free port); {@code api} reaches berthd's services. */
  public static StreamingServer start(InetSocketAddress address, io.grpc.Channel api) throws InterruptedException {
    StreamRequests requests = new StreamRequests(Clock.systemUTC(), StreamRequests.TTL);
    RemoteProcesses processes = new RemoteProcesses(api);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                  new StreamRouter(requests, processes));
            }
          }).bind(address).sync().channel();
      StreamingServer started = new StreamingServer(requests, group, server);
      LOG.info("cri: streaming server on " + started.baseUrl);
      return started;
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Where clients connect, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The URL serving {@code request} once, for a minute. */
  String url(StreamRequest request) {
    String kind = request instanceof StreamRequest.Exec ? "exec"
        : request instanceof StreamRequest.Attach ? "attach" : "portforward";
    return baseUrl + "/" + kind + "/" + requests.insert(request);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
