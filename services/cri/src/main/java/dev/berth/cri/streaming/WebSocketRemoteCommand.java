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
import java.util.concurrent.Future;

/**
 * Exec and attach over WebSocket, channel protocols v4.channel.k8s.io and v5.channel.k8s.io:
 * each binary message starts with its channel's number (stdin 0, stdout 1, stderr 2, error 3,
 * resize 4). v5 adds channel 255, whose message {@code [255, n]} closes channel {@code n} (the
 * client's stdin ends). As the kubelet does, an empty message on the lowest channel the client
 * reads tells it the streams are ready.
 */
final class WebSocketRemoteCommand extends ChannelInboundHandlerAdapter {
  static final String V4 = "v4.channel.k8s.io";
  static final String V5 = "v5.channel.k8s.io";
  private static final int CLOSE_CHANNEL = 255;

  private final StreamRequest request;
  private final RemoteProcesses processes;
  private final boolean v5;
  private RemoteCommandSession session;

  WebSocketRemoteCommand(StreamRequest request, RemoteProcesses processes, String protocol) {
    this.request = request;
    this.processes = processes;
    this.v5 = V5.equals(protocol);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    session = new RemoteCommandSession(request, processes, new RemoteCommandSession.Transport() {
      @Override
      public Future<?> send(int number, byte[] data) {
        return channel.writeAndFlush(frame(number, data));
      }

      @Override
      public void finish() {
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
            .addListener(ChannelFutureListener.CLOSE);
      }
    });
    boolean stdout = request instanceof StreamRequest.Exec e ? e.stdout() : ((StreamRequest.Attach) request).stdout();
    boolean stderr = request instanceof StreamRequest.Exec e ? e.stderr() : ((StreamRequest.Attach) request).stderr();
    int ready = stdout ? RemoteCommandSession.STDOUT : stderr ? RemoteCommandSession.STDERR : RemoteCommandSession.ERROR;
    channel.writeAndFlush(frame(ready, new byte[0]));
    session.start();
  }

  static BinaryWebSocketFrame frame(int number, byte[] data) {
    return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) number}, data));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame frame && frame.content().isReadable()) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        int number = bytes[0] & 0xff;
        if (v5 && number == CLOSE_CHANNEL) {
          if (bytes.length == 2) {
            session.closed(bytes[1] & 0xff);
          }
        } else {
          session.received(number, java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
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
    session.clientGone();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
