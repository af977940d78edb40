package dev.berth.cri.streaming;

import dev.berth.linux.Syscalls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * TCP connections to ports of a pod's network namespace, as containerd's CRI plugin makes them:
 * to localhost (127.0.0.1) inside the namespace. A socket belongs to the namespace of the
 * thread that created it, so each socket is created on a fresh platform thread that enters the
 * namespace and ends (no thread of the server ever changes namespace); the connection then runs
 * on the server's event loop like any other.
 */
final class NetnsPorts {
  private NetnsPorts() {}

  /** What the connection's far end sends, and its end. */
  interface Sink {
    /** Data from the port; reading from it pauses until the returned future completes. */
    io.netty.util.concurrent.Future<?> data(byte[] data);

    /** The port closed its side (or the connection broke). */
    void ended();
  }

  /** Connects to {@code port} inside {@code netns}; fails with a message naming both. */
  static CompletableFuture<io.netty.channel.Channel> connect(EventLoop loop, Path netns, String sandbox, int port,
      Sink sink) {
    CompletableFuture<io.netty.channel.Channel> connected = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        SocketChannel socket = openIn(netns);
        NioSocketChannel channel = new NioSocketChannel(socket);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addLast(new Relay(sink));
        loop.register(channel).addListener(registered -> {
          if (!registered.isSuccess()) {
            connected.completeExceptionally(registered.cause());
            return;
          }
          channel.connect(new InetSocketAddress("127.0.0.1", port)).addListener(done -> {
            if (done.isSuccess()) {
              connected.complete(channel);
            } else {
              channel.close();
              connected.completeExceptionally(new IOException("failed to connect to localhost:" + port
                  + " inside namespace \"" + sandbox + "\": " + done.cause().getMessage()));
            }
          });
        });
      } catch (IOException e) {
        connected.completeExceptionally(new IOException("failed to enter the network namespace " + netns
            + " of pod sandbox \"" + sandbox + "\": " + e.getMessage(), e));
      }
    }, "cri-portforward-netns");
    opener.setDaemon(true);
    opener.start();
    return connected;
  }

  private static SocketChannel openIn(Path netns) throws IOException {
    int fd = Syscalls.open(netns);
    try {
      Syscalls.setns(fd, Syscalls.CLONE_NEWNET, netns.toString());
    } finally {
      Syscalls.close(fd);
    }
    return SocketChannel.open();
  }

  /** Hands what the port sends to the sink, and its end once (half-close or close). */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Sink sink;
    private final AtomicBoolean ended = new AtomicBoolean();

    Relay(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      io.netty.util.concurrent.Future<?> sent;
      try {
        sent = sink.data(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
      // the client reads slower than the port writes: stop reading until it caught up
      if (!sent.isDone()) {
        ctx.channel().config().setAutoRead(false);
        sent.addListener(done -> ctx.channel().config().setAutoRead(true));
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent) {
        end();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void end() {
      if (ended.compareAndSet(false, true)) {
        sink.ended();
      }
    }
  }
}
