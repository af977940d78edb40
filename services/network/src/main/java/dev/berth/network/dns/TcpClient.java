package dev.berth.network.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A container's TCP connection to the resolver: queries and answers each behind a two-byte length
 * (RFC 1035 4.2.2). As with Docker's resolver (miekg/dns), the first query must arrive whole
 * within 2 s of the connection and each next one within 8 s of the last query or answer, however
 * the bytes trickle in, and a connection carries at most 128 queries: once they are answered it is
 * closed, and what the client sent after them is not read. A client that lets answers pile up
 * unread is hung up on.
 */
final class TcpClient implements Client, Selectable {
  /** miekg/dns's read timeout, for the first query. */
  private static final long FIRST_QUERY = TimeUnit.SECONDS.toNanos(2);
  /** miekg/dns's TCP idle timeout, for each next query. */
  private static final long NEXT_QUERY = TimeUnit.SECONDS.toNanos(8);
  /** Answers the client may leave unread before it is hung up on, so it cannot make berthd hold them all. */
  static final int MAX_QUEUED = 16;
  /** miekg/dns's maxTCPQueries, which Docker's resolver keeps: the queries one connection carries. */
  static final int MAX_QUERIES = 128;

  final Endpoint endpoint;
  private final SocketChannel channel;
  private final QueryHandler handler;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(1);
  private ByteBuffer in = ByteBuffer.allocate(512);
  SelectionKey key;
  /** When the client is hung up on unless a whole query has come, or it waits on an external server. */
  private long deadline = System.nanoTime() + FIRST_QUERY;
  /** Its queries being forwarded, which the forwarding's own timeouts bound. */
  int waiting;
  /** The queries read from it, up to {@link #MAX_QUERIES}. */
  private int queries;

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
    while (queries < MAX_QUERIES && in.position() >= 2) {
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
      deadline = System.nanoTime() + NEXT_QUERY;
      queries++;
      handler.answer(endpoint, message, this, DnsMessage.TCP_LIMIT);
    }
    if (queries == MAX_QUERIES && channel.isOpen()) {
      // nothing more is read; the last answer may be written already, or none be due (no question)
      if (out.isEmpty()) {
        readNextOrHangUp();
      } else {
        key.interestOps(SelectionKey.OP_WRITE);
      }
    }
  }

  @Override
  public void send(byte[] message) {
    if (!channel.isOpen()) {
      return;
    }
    if (out.size() >= MAX_QUEUED) {
      close();
      return;
    }
    deadline = System.nanoTime() + NEXT_QUERY;
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
        key.interestOps((queries < MAX_QUERIES ? SelectionKey.OP_READ : 0) | SelectionKey.OP_WRITE);
        return;
      }
      out.poll();
    }
    readNextOrHangUp();
  }

  /** With every answer written: reads the next query, or hangs up after the last one's answer. */
  private void readNextOrHangUp() {
    if (queries < MAX_QUERIES) {
      key.interestOps(SelectionKey.OP_READ);
    } else if (waiting == 0) {
      close();
    } else {
      key.interestOps(0);
    }
  }

  /** Whether the client let its deadline pass with nothing being forwarded for it. */
  boolean expired(long now) {
    return waiting == 0 && now - deadline > 0;
  }

  void close() {
    endpoint.clients.remove(this);
    Sockets.closeQuietly(channel);
  }
}
