package dev.berth.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Port forwarding over SPDY/3.1 (portforward.k8s.io): for each connection it forwards, the client
 * opens a pair of streams, {@code streamType} error and data, with the same {@code port} and
 * {@code requestID} headers. Once both are there the server connects to the port inside the
 * sandbox's network namespace and relays the data stream both ways; a failure is written, as
 * text, to the error stream.
 */
final class SpdyPortForward extends ChannelInboundHandlerAdapter {
  static final String PROTOCOL = "portforward.k8s.io";

  private final StreamRequest.PortForward request;
  private final Map<String, Pair> pairs = new HashMap<>();
  private final Map<Integer, Pair> byDataStream = new HashMap<>();
  private SpdyStreams streams;

  SpdyPortForward(StreamRequest.PortForward request) {
    this.request = request;
  }

  /** One forwarded connection; touched only on the connection's event loop. */
  private final class Pair {
    final int port;
    int dataStream = -1;
    int errorStream = -1;
    Channel target;
    /** Client data that came before the connection to the port was up. */
    final List<ByteBuf> early = new ArrayList<>();
    boolean clientDone;
    boolean targetDone;

    Pair(int port) {
      this.port = port;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    streams = new SpdyStreams(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        opened(ctx, syn);
      } else if (msg instanceof SpdyDataFrame data) {
        Pair p = byDataStream.get(data.streamId());
        if (p != null) {
          fromClient(p, data.content().retain(), data.isLast());
        }
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        Pair p = byDataStream.get(rst.streamId());
        if (p != null && p.target != null) {
          p.target.close();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void opened(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
    String type = syn.headers().getAsString("streamtype");
    String portHeader = syn.headers().getAsString("port");
    String requestId = syn.headers().getAsString("requestid");
    int port;
    try {
      port = Integer.parseInt(String.valueOf(portHeader));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535 || !("data".equals(type) || "error".equals(type))) {
      streams.refuse(syn.streamId());
      return;
    }
    // clients older than requestID pair a data stream with the error stream opened just before it
    String key = requestId != null ? requestId : Integer.toString("error".equals(type) ? syn.streamId() : syn.streamId() - 2);
    Pair p = pairs.computeIfAbsent(key, k -> new Pair(Integer.parseInt(portHeader)));
    if ("data".equals(type)) {
      p.dataStream = syn.streamId();
      byDataStream.put(p.dataStream, p);
    } else {
      p.errorStream = syn.streamId();
    }
    streams.reply(syn.streamId(), type);
    if (p.dataStream >= 0 && p.errorStream >= 0) {
      pairs.remove(key);
      forward(ctx, p);
    }
  }

  private void forward(ChannelHandlerContext ctx, Pair p) {
    NetnsPorts.connect(ctx.channel().eventLoop(), request.netns(), request.sandboxId(), p.port, new NetnsPorts.Sink() {
      @Override
      public io.netty.util.concurrent.Future<?> data(byte[] data) {
        return streams.send(p.dataStream, data);
      }

      @Override
      public void ended() {
        ctx.executor().execute(() -> {
          p.targetDone = true;
          streams.halfClose(p.dataStream);
          streams.halfClose(p.errorStream);
          closeWhenBothDone(p);
        });
      }
    }).whenComplete((target, failure) -> ctx.executor().execute(() -> {
      if (failure != null) {
        p.early.forEach(ByteBuf::release);
        streams.send(p.errorStream, ("error forwarding port " + p.port + " to pod " + request.sandboxId() + ", uid : "
            + failure.getMessage()).getBytes(StandardCharsets.UTF_8));
        streams.halfClose(p.errorStream);
        streams.halfClose(p.dataStream);
        byDataStream.remove(p.dataStream);
        return;
      }
      if (!ctx.channel().isActive()) {
        target.close();
        return;
      }
      p.target = target;
      p.early.forEach(target::write);
      p.early.clear();
      target.flush();
      if (p.clientDone) {
        ((DuplexChannel) target).shutdownOutput();
      }
    }));
  }

  private void fromClient(Pair p, ByteBuf data, boolean last) {
    if (p.target == null) {
      if (data.isReadable()) {
        p.early.add(data);
      } else {
        data.release();
      }
      p.clientDone |= last;
      return;
    }
    if (data.isReadable()) {
      p.target.writeAndFlush(data);
    } else {
      data.release();
    }
    if (last) {
      p.clientDone = true;
      ((DuplexChannel) p.target).shutdownOutput();
      closeWhenBothDone(p);
    }
  }

  private void closeWhenBothDone(Pair p) {
    if (p.clientDone && p.targetDone && p.target != null) {
      p.target.close();
      byDataStream.remove(p.dataStream);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Pair p : byDataStream.values()) {
      if (p.target != null) {
        p.target.close();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
