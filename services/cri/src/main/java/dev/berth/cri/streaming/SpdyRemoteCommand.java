package dev.berth.cri.streaming;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Exec and attach over SPDY/3.1 (channel protocol v4.channel.k8s.io): the client opens one stream
 * per channel, named by its {@code streamType} header (error, stdin, stdout, stderr, resize).
 * The process starts once the streams the request asked for are all there; the kubelet's
 * streaming server gives a client {@link #CREATION_TIMEOUT_SECONDS} to open them.
 */
final class SpdyRemoteCommand extends ChannelInboundHandlerAdapter {
  static final long CREATION_TIMEOUT_SECONDS = 30;
  private static final Map<String, Integer> CHANNELS = Map.of("stdin", RemoteCommandSession.STDIN,
      "stdout", RemoteCommandSession.STDOUT, "stderr", RemoteCommandSession.STDERR,
      "error", RemoteCommandSession.ERROR, "resize", RemoteCommandSession.RESIZE);

  private final StreamRequest request;
  private final RemoteProcesses processes;
  private final Map<Integer, Integer> channelByStream = new HashMap<>();
  /** Read by the session's threads once the process started. */
  private final Map<Integer, Integer> streamByChannel = new ConcurrentHashMap<>();
  private final Set<Integer> expected = new HashSet<>();
  private SpdyStreams streams;
  private RemoteCommandSession session;
  private ScheduledFuture<?> creationTimeout;
  private boolean started;

  SpdyRemoteCommand(StreamRequest request, RemoteProcesses processes) {
    this.request = request;
    this.processes = processes;
    expected.add(RemoteCommandSession.ERROR);
    boolean stdin = request instanceof StreamRequest.Exec e ? e.stdin() : ((StreamRequest.Attach) request).stdin();
    boolean stdout = request instanceof StreamRequest.Exec e ? e.stdout() : ((StreamRequest.Attach) request).stdout();
    boolean stderr = request instanceof StreamRequest.Exec e ? e.stderr() : ((StreamRequest.Attach) request).stderr();
    if (stdin) {
      expected.add(RemoteCommandSession.STDIN);
    }
    if (stdout) {
      expected.add(RemoteCommandSession.STDOUT);
    }
    if (stderr) {
      expected.add(RemoteCommandSession.STDERR);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    streams = new SpdyStreams(ctx.channel());
    session = new RemoteCommandSession(request, processes, new Transport());
    creationTimeout = ctx.executor().schedule(() -> {
      if (!started) {
        ctx.channel().close();
      }
    }, CREATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        opened(syn);
      } else if (msg instanceof SpdyDataFrame data) {
        Integer channel = channelByStream.get(data.streamId());
        if (channel != null) {
          if (data.content().isReadable()) {
            session.received(channel, ByteBufUtil.getBytes(data.content()));
          }
          if (data.isLast()) {
            session.closed(channel);
          }
        }
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        Integer channel = channelByStream.get(rst.streamId());
        if (channel != null) {
          session.closed(channel);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void opened(SpdySynStreamFrame syn) {
    String type = syn.headers().getAsString("streamtype");
    Integer channel = type == null ? null : CHANNELS.get(type.toLowerCase(java.util.Locale.ROOT));
    if (channel == null || streamByChannel.containsKey(channel)) {
      streams.refuse(syn.streamId());
      return;
    }
    channelByStream.put(syn.streamId(), channel);
    streamByChannel.put(channel, syn.streamId());
    streams.reply(syn.streamId(), type);
    if (syn.isLast()) {
      session.closed(channel);
    }
    if (!started && streamByChannel.keySet().containsAll(expected)) {
      started = true;
      creationTimeout.cancel(false);
      session.start();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    creationTimeout.cancel(false);
    session.clientGone();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Output to the streams the client opened; output for a stream it did not open is dropped. */
  private final class Transport implements RemoteCommandSession.Transport {
    @Override
    public Future<?> send(int channel, byte[] data) {
      Integer stream = streamByChannel.get(channel);
      return stream != null ? streams.send(stream, data) : CompletableFuture.completedFuture(null);
    }

    @Override
    public void finish() {
      // every stream, stdin too: Kubernetes' client waits for the server to close stdin before it returns
      streamByChannel.values().forEach(streams::halfClose);
      streams.closeSession();
    }
  }
}
