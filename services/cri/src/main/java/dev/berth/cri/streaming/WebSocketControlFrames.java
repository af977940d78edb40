package dev.berth.cri.streaming;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/** What every WebSocket stream does with the protocol's own frames: a ping is answered, a close ends the connection. */
final class WebSocketControlFrames {
  private WebSocketControlFrames() {}

  /** Answers {@code msg} if it is a control frame; the caller still releases it. */
  static void answer(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (msg instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }
}
