package dev.berth.common.grpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The Netty threads that accept connections on the Unix sockets and move their bytes, one set
 * for all of a process's {@link UnixSocketServer}s: calls run on the servers' executor, so a
 * handful of I/O threads serve any number of sockets. Accepting is rare on a local socket, so
 * the same loops accept and move bytes: each loop costs a thread and three descriptors (epoll,
 * eventfd, timerfd). Close it once every server using it has terminated.
 */
public final class SocketEventLoops implements AutoCloseable {
  final EventLoopGroup loops = new EpollEventLoopGroup(2);

  @Override
  public void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
