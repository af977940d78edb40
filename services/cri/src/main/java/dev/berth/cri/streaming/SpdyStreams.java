package dev.berth.cri.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import java.util.concurrent.TimeUnit;

/**
 * Writing to a SPDY/3.1 connection whose streams the client opens (as Kubernetes' httpstream
 * clients do): replies, data in frames small enough to interleave, half-closes, refusals.
 * Writes may come from any thread; Netty runs them on the connection's event loop in order.
 */
final class SpdyStreams {
  /** A data frame's payload at most: output of several streams interleaves, none waits long. */
  static final int MAX_FRAME = 32 * 1024;
  /** How long the client may take to close its side once everything was sent. */
  private static final long CLOSE_GRACE_SECONDS = 5;

  private final Channel channel;

  SpdyStreams(Channel channel) {
    this.channel = channel;
  }

  /**
   * Accepts a stream the client opened, echoing its type: Netty writes an empty header block as
   * no bytes at all, which a SPDY/3 peer cannot decompress, so the reply always carries a header.
   */
  void reply(int streamId, String streamType) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(streamId);
    reply.headers().set("streamtype", streamType);
    channel.writeAndFlush(reply);
  }

  void refuse(int streamId) {
    channel.writeAndFlush(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.REFUSED_STREAM));
  }

  /**
   * Sends {@code data} on the stream; the future completes once the last frame went out, which
   * under SPDY's flow control waits for the client to have room for it.
   */
  ChannelFuture send(int streamId, byte[] data) {
    ChannelFuture last = null;
    for (int off = 0; off < data.length; off += MAX_FRAME) {
      int len = Math.min(MAX_FRAME, data.length - off);
      last = channel.write(new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data, off, len)));
    }
    channel.flush();
    return last != null ? last : channel.newSucceededFuture();
  }

  /** No more data from this side on the stream. */
  void halfClose(int streamId) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(streamId);
    fin.setLast(true);
    channel.writeAndFlush(fin);
  }

  /**
   * Ends the session: the session handler sends GOAWAY and closes once the client has closed its
   * streams too; a client that does not is cut off after a grace period.
   */
  void closeSession() {
    channel.eventLoop().execute(() -> {
      channel.close();
      ChannelHandlerContext codec = channel.pipeline().context(SpdyFrameCodec.class);
      channel.eventLoop().schedule(() -> {
        if (channel.isOpen() && codec != null) {
          codec.close();
        }
      }, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    });
  }
}
