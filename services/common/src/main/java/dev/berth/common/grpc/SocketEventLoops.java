package dev.berth.common.grpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The Netty threads that accept connections on the Unix sockets and move their bytes, one set
 * for all of a process's {@link UnixSocketServer}s: calls run on the servers' executor, so a
 * handful of I/O threads serve any number of sockets. Close it once every server using it has
 * terminated.
 */
public final class SocketEventLoops implements AutoCloseable {
  final EventLoopGroup boss = new EpollEventLoopGroup(1);
  final EventLoopGroup worker = new EpollEventLoopGroup(2);

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    worker.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
