package dev.berth.network.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A query forwarded over a TCP connection of its own to an external server, which ends with the
 * answer. The socket comes later when it is made in the container's namespace.
 */
final class TcpUpstream implements Selectable {
  final Pending pending;
  private final Forwarding forwarding;
  private final ByteBuffer out;
  private ByteBuffer in = ByteBuffer.allocate(2);
  private SocketChannel channel;

  TcpUpstream(Pending pending, Forwarding forwarding) {
    this.pending = pending;
    this.forwarding = forwarding;
    this.out = ByteBuffer.allocate(pending.query.length + 2);
    out.putShort((short) pending.query.length).put(pending.query).flip();
  }

  /** Connects {@code c}, made for this query, to {@code server} and has {@code loop} carry the query over it. */
  void connect(SocketChannel c, InetSocketAddress server, SelectorLoop loop) throws IOException {
    channel = c;
    c.configureBlocking(false);
    boolean connected = c.connect(server);
    loop.register(c, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
  }

  @Override
  public void ready(SelectionKey key) throws IOException {
    byte[] answer = progress(key);
    if (answer != null) {
      forwarding.answered(this, answer);
    }
  }

  @Override
  public void failed(IOException e) {
    forwarding.failed(this);
  }

  @Override
  public Endpoint endpoint() {
    return pending.endpoint;
  }

  /** Connects, writes the query, reads the answer; the answer once it is whole, else null. */
  private byte[] progress(SelectionKey key) throws IOException {
    if (key.isConnectable()) {
      channel.finishConnect();
      key.interestOps(SelectionKey.OP_WRITE);
      return null;
    }
    if (key.isWritable()) {
      channel.write(out);
      if (!out.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ);
      }
      return null;
    }
    if (channel.read(in) < 0) {
      throw new IOException("the server closed the connection before answering");
    }
    if (in.capacity() == 2 && !in.hasRemaining()) {
      in = ByteBuffer.allocate(((in.get(0) & 0xff) << 8) | (in.get(1) & 0xff));
      channel.read(in);
    }
    return in.capacity() != 2 && !in.hasRemaining() ? in.array() : null;
  }

  void close() {
    if (channel != null) {
      Sockets.closeQuietly(channel);
    }
  }
}
