package dev.berth.cri.streaming;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Port forwarding over WebSocket (v4.channel.k8s.io): one connection to each port of the request,
 * port {@code i} on channels {@code 2i} (data, both ways) and {@code 2i+1} (errors, to the
 * client). The first message on each channel is the port number, two bytes little-endian, as
 * the kubelet sends it; the socket closes once every forwarded connection has ended.
 */
final class WebSocketPortForward extends ChannelInboundHandlerAdapter {
  private final StreamRequest.PortForward request;
  private final List<Target> targets = new ArrayList<>();
  private int open;

  /** One forwarded port; touched only on the connection's event loop. */
  private static final class Target {
    Channel channel;
    final List<byte[]> early = new ArrayList<>();
  }

  WebSocketPortForward(StreamRequest.PortForward request) {
    this.request = request;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    List<Integer> ports = request.ports();
    open = ports.size();
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i);
      byte[] portBytes = {(byte) port, (byte) (port >> 8)};
      ctx.write(WebSocketRemoteCommand.frame(2 * i, portBytes));
      ctx.write(WebSocketRemoteCommand.frame(2 * i + 1, portBytes));
      Target t = new Target();
      targets.add(t);
      int data = 2 * i;
      NetnsPorts.connect(ctx.channel().eventLoop(), request.netns(), request.sandboxId(), port, new NetnsPorts.Sink() {
        @Override
        public io.netty.util.concurrent.Future<?> data(byte[] bytes) {
          return ctx.writeAndFlush(WebSocketRemoteCommand.frame(data, bytes));
        }

        @Override
        public void ended() {
          ctx.executor().execute(() -> forwardEnded(ctx));
        }
      }).whenComplete((channel, failure) -> ctx.executor().execute(() -> {
        if (failure != null) {
          ctx.writeAndFlush(WebSocketRemoteCommand.frame(data + 1, ("error forwarding port " + port + " to pod "
              + request.sandboxId() + ", uid : " + failure.getMessage()).getBytes(StandardCharsets.UTF_8)));
          forwardEnded(ctx);
          return;
        }
        t.channel = channel;
        t.early.forEach(b -> channel.write(Unpooled.wrappedBuffer(b)));
        t.early.clear();
        channel.flush();
      }));
    }
    ctx.flush();
    if (ports.isEmpty()) {
      forwardEnded(ctx);
    }
  }

  private void forwardEnded(ChannelHandlerContext ctx) {
    if (--open <= 0) {
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame frame && frame.content().readableBytes() > 1) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        int number = bytes[0] & 0xff;
        if (number % 2 == 0 && number / 2 < targets.size()) {
          Target t = targets.get(number / 2);
          byte[] data = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
          if (t.channel == null) {
            t.early.add(data);
          } else {
            t.channel.writeAndFlush(Unpooled.wrappedBuffer(data));
          }
        }
      } else {
        WebSocketControlFrames.answer(ctx, msg);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Target t : targets) {
      if (t.channel != null) {
        t.channel.close();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
