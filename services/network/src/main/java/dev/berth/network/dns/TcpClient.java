package dev.berth.network.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/** A container's TCP connection to the resolver: queries and answers each behind a two-byte length (RFC 1035 4.2.2). */
final class TcpClient implements Client, Selectable {
  final Endpoint endpoint;
  private final SocketChannel channel;
  private final QueryHandler handler;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(1);
  private ByteBuffer in = ByteBuffer.allocate(512);
  SelectionKey key;
  long lastActive = System.nanoTime();

  TcpClient(Endpoint endpoint, SocketChannel channel, QueryHandler handler) {
    this.endpoint = endpoint;
    this.channel = channel;
    this.handler = handler;
  }

  @Override
  public void ready(SelectionKey key) throws IOException {
    if (key.isReadable()) {
      read();
    }
    if (key.isValid() && key.isWritable()) {
      flush();
    }
  }

  @Override
  public void failed(IOException e) {
    close();
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  private void read() throws IOException {
    if (channel.read(in) < 0) {
      close();
      return;
    }
    lastActive = System.nanoTime();
    while (in.position() >= 2) {
      int length = ((in.get(0) & 0xff) << 8) | (in.get(1) & 0xff);
      if (in.capacity() < length + 2) {
        ByteBuffer bigger = ByteBuffer.allocate(length + 2);
        in.flip();
        bigger.put(in);
        in = bigger;
        return;
      }
      if (in.position() < length + 2) {
        return;
      }
      byte[] message = new byte[length];
      in.flip();
      in.position(2);
      in.get(message);
      in.compact();
      handler.answer(endpoint, message, this, DnsMessage.TCP_LIMIT);
    }
  }

  @Override
  public void send(byte[] message) {
    if (!channel.isOpen()) {
      return;
    }
    ByteBuffer framed = ByteBuffer.allocate(message.length + 2);
    framed.putShort((short) message.length).put(message).flip();
    out.add(framed);
    try {
      flush();
    } catch (IOException e) {
      close();
    }
  }

  private void flush() throws IOException {
    while (!out.isEmpty()) {
      channel.write(out.peek());
      if (out.peek().hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        return;
      }
      out.poll();
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  void close() {
    endpoint.clients.remove(this);
    Sockets.closeQuietly(channel);
  }
}
