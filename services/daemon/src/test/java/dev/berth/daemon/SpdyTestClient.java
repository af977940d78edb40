package dev.berth.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SPDY/3.1 client as Kubernetes' httpstream clients (kubectl, the API server) behave: an HTTP
 * upgrade request listing the stream protocols it speaks, then streams it opens with headers,
 * built on Netty's SPDY codec in client mode.
 */
final class SpdyTestClient implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final CompletableFuture<FullHttpResponse> upgraded = new CompletableFuture<>();
  private final Map<Integer, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<Void>> replied = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<Void>> closed = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
  private final AtomicInteger nextStream = new AtomicInteger(1);
  private Channel channel;

  /** The upgrade's answer: 101 with the negotiated protocol, or the refusal (then the client is closed). */
  FullHttpResponse response() {
    return upgraded.join();
  }

  static SpdyTestClient connect(String url, String... protocols) throws Exception {
    SpdyTestClient c = new SpdyTestClient();
    URI uri = URI.create(url);
    c.channel = new Bootstrap().group(c.group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("http", new HttpClientCodec()).addLast("aggregate", new HttpObjectAggregator(65536))
            .addLast("upgrade", c.new Upgrade());
      }
    }).connect(uri.getHost(), uri.getPort()).sync().channel();
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri.getRawPath());
    request.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort())
        .set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    for (String p : protocols) {
      request.headers().add("X-Stream-Protocol-Version", p);
    }
    c.channel.writeAndFlush(request);
    c.upgraded.get(30, TimeUnit.SECONDS);
    return c;
  }

  /** Opens a stream with these headers; returns its id once the server replied. */
  int open(Map<String, String> headers) throws Exception {
    int id = nextStream.getAndAdd(2);
    received.put(id, new ByteArrayOutputStream());
    replied.put(id, new CompletableFuture<>());
    closed.put(id, new CompletableFuture<>());
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    // SPDY/3 header names are lower case on the wire (Go's spdystream lowers them too)
    headers.forEach((k, v) -> syn.headers().set(k.toLowerCase(java.util.Locale.ROOT), v));
    channel.writeAndFlush(syn);
    replied.get(id).get(30, TimeUnit.SECONDS);
    return id;
  }

  void send(int stream, String data) {
    channel.writeAndFlush(new DefaultSpdyDataFrame(stream, Unpooled.copiedBuffer(data, StandardCharsets.UTF_8)));
  }

  /** No more data from the client on {@code stream}. */
  void halfClose(int stream) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(stream);
    fin.setLast(true);
    channel.writeAndFlush(fin);
  }

  /** What the server sent on {@code stream}, once it closed its side (at most {@code seconds}). */
  String readToEnd(int stream, long seconds) throws Exception {
    closed.get(stream).get(seconds, TimeUnit.SECONDS);
    return received(stream);
  }

  String received(int stream) {
    ByteArrayOutputStream b = received.get(stream);
    synchronized (b) {
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  /** Completes when the server closed the connection. */
  CompletableFuture<Void> disconnected() {
    return disconnected;
  }

  @Override
  public void close() {
    if (channel != null) {
      // from the front of the pipeline: the session handler would wait for every stream to end
      io.netty.channel.ChannelHandlerContext first = channel.pipeline().firstContext();
      (first != null ? first.close() : channel.close()).syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Upgrade extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
      if (r.status().code() == 101) {
        ctx.pipeline().remove("aggregate");
        ctx.pipeline().replace("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        ctx.pipeline().addAfter("spdy", "session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, false));
        ctx.pipeline().replace(this, "frames", new Frames());
      }
      upgraded.complete(r.retainedDuplicate());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      upgraded.completeExceptionally(new IllegalStateException("closed before the upgrade"));
      disconnected.complete(null);
    }
  }

  private final class Frames extends SimpleChannelInboundHandler<Object> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof SpdySynReplyFrame reply) {
        replied.get(reply.streamId()).complete(null);
      } else if (msg instanceof SpdyDataFrame data) {
        ByteArrayOutputStream b = received.get(data.streamId());
        synchronized (b) {
          b.writeBytes(ByteBufUtil.getBytes(data.content()));
        }
        if (data.isLast()) {
          closed.get(data.streamId()).complete(null);
        }
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        replied.get(rst.streamId()).completeExceptionally(new IllegalStateException("refused: " + rst.status()));
        closed.get(rst.streamId()).complete(null);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      disconnected.complete(null);
      closed.values().forEach(f -> f.complete(null));
    }
  }
}
