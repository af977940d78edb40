package dev.berth.ctl.transport;

import dev.berth.api.grpc.MessageLimits;
import io.grpc.Status;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/2 connection over a Unix socket, client side, enough for gRPC: streams opened by
 * HEADERS, DATA both ways under flow control, trailers, RST_STREAM, SETTINGS, PING, GOAWAY. A
 * thread of its own reads frames and hands them to the streams; callers write on their threads.
 */
final class H2Connection {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PUSH_PROMISE = 5;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;
  private static final int SETTINGS_ENABLE_PUSH = 2;
  private static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;
  private static final int SETTINGS_MAX_FRAME_SIZE = 5;
  private static final int SETTINGS_MAX_HEADER_LIST_SIZE = 6;
  /** RFC 9113's error codes this client sends or maps. */
  static final int NO_ERROR = 0;
  static final int PROTOCOL_ERROR = 1;
  static final int CANCEL = 8;
  static final int REFUSED_STREAM = 7;
  private static final int DEFAULT_WINDOW = 65_535;
  /** What the server may send on a stream, and on the connection, before this client acknowledges it. */
  static final int RECEIVE_WINDOW = MessageLimits.FLOW_CONTROL_WINDOW_BYTES;

  private final SocketChannel socket;
  private final HeaderBlocks headerBlocks = new HeaderBlocks();
  private final Runnable onClosed;
  /** Guards the socket's writes, the streams, the send windows and the settings below. */
  private final Object lock = new Object();
  private final Map<Integer, H2Stream> streams = new HashMap<>();
  private int nextStreamId = 1;
  private long connectionSendWindow = DEFAULT_WINDOW;
  private int peerInitialWindow = DEFAULT_WINDOW;
  private int peerMaxFrame = 16_384;
  /** Why no new stream may open (GOAWAY or the connection's end), or null. */
  private Status closedStatus;
  /** Bytes the server sent on the connection that this client has not acknowledged yet. */
  private int connectionUnacknowledged;

  private H2Connection(SocketChannel socket, Runnable onClosed) {
    this.socket = socket;
    this.onClosed = onClosed;
  }

  /**
   * Connects to {@code path}, writes the preface and this client's settings, and starts reading.
   * {@code onClosed} runs once the connection has ended.
   */
  static H2Connection open(Path path, Runnable onClosed) throws IOException {
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      socket.connect(UnixDomainSocketAddress.of(path));
      H2Connection c = new H2Connection(socket, onClosed);
      c.start();
      return c;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void start() throws IOException {
    ByteBuffer settings = ByteBuffer.allocate(4 * 6);
    settings.putShort((short) SETTINGS_ENABLE_PUSH).putInt(0);
    settings.putShort((short) SETTINGS_INITIAL_WINDOW_SIZE).putInt(RECEIVE_WINDOW);
    settings.putShort((short) SETTINGS_MAX_HEADER_LIST_SIZE).putInt(HeaderBlocks.MAX_HEADER_LIST_BYTES);
    synchronized (lock) {
      writeFully(ByteBuffer.wrap(PREFACE));
      writeFrame(SETTINGS, 0, 0, settings.array(), 0, settings.position());
      writeFrame(WINDOW_UPDATE, 0, 0, windowIncrement(RECEIVE_WINDOW - DEFAULT_WINDOW), 0, 4);
    }
    Thread reader = new Thread(this::readLoop, "berthctl-h2-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Whether new streams may open on this connection. */
  boolean usable() {
    synchronized (lock) {
      return closedStatus == null;
    }
  }

  /** Streams still open. */
  int activeStreams() {
    synchronized (lock) {
      return streams.size();
    }
  }

  /**
   * Opens a stream with {@code headerBlock} (HEADERS, then CONTINUATIONs if it is larger than a
   * frame), or returns the status that forbids it when the connection is going away.
   */
  Status open(H2Stream stream, byte[] headerBlock) {
    synchronized (lock) {
      if (closedStatus != null) {
        return closedStatus;
      }
      int id = nextStreamId;
      nextStreamId += 2;
      stream.opened(id, peerInitialWindow);
      streams.put(id, stream);
      try {
        int offset = 0;
        do {
          int length = Math.min(peerMaxFrame, headerBlock.length - offset);
          boolean last = offset + length == headerBlock.length;
          writeFrame(offset == 0 ? HEADERS : CONTINUATION, last ? END_HEADERS : 0, id, headerBlock, offset, length);
          offset += length;
        } while (offset < headerBlock.length);
      } catch (IOException e) {
        fail(e);
      }
      return null;
    }
  }

  /**
   * Writes {@code data} on {@code stream}, in frames the server's frame size and flow-control
   * windows allow, waiting for WINDOW_UPDATEs while they are spent. Returns early if the stream
   * or the connection ends meanwhile.
   */
  void writeData(H2Stream stream, byte[] data, boolean endStream) throws InterruptedException {
    synchronized (lock) {
      int offset = 0;
      do {
        if (!streams.containsKey(stream.id())) {
          return;
        }
        int length = (int) Math.min(Math.min(data.length - offset, peerMaxFrame),
            Math.min(connectionSendWindow, stream.sendWindow()));
        if (length <= 0 && data.length > offset) {
          lock.wait();
          continue;
        }
        boolean last = offset + length == data.length;
        try {
          writeFrame(DATA, last && endStream ? END_STREAM : 0, stream.id(), data, offset, length);
        } catch (IOException e) {
          fail(e);
          return;
        }
        connectionSendWindow -= length;
        stream.spend(length);
        offset += length;
      } while (offset < data.length);
    }
  }

  /** Tells the server this client took {@code bytes} more of {@code stream}'s data. */
  void acknowledge(H2Stream stream, int bytes) {
    synchronized (lock) {
      if (!streams.containsKey(stream.id())) {
        return;
      }
      try {
        writeFrame(WINDOW_UPDATE, 0, stream.id(), windowIncrement(bytes), 0, 4);
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  /** Ends {@code stream} with RST_STREAM({@code errorCode}) unless it has ended already. */
  void reset(H2Stream stream, int errorCode) {
    synchronized (lock) {
      if (streams.remove(stream.id()) == null) {
        return;
      }
      try {
        writeFrame(RST_STREAM, 0, stream.id(), ByteBuffer.allocate(4).putInt(errorCode).array(), 0, 4);
      } catch (IOException e) {
        fail(e);
      }
      closeIfDone();
    }
  }

  /** Forgets {@code stream}, which the server ended. */
  private void ended(H2Stream stream) {
    synchronized (lock) {
      streams.remove(stream.id());
      closeIfDone();
    }
  }

  /** After GOAWAY, the connection closes with its last stream. */
  private void closeIfDone() {
    if (closedStatus != null && streams.isEmpty()) {
      closeSocket();
    }
  }

  /** Closes the connection: open streams end with {@code status}. */
  void close(Status status) {
    List<H2Stream> open;
    synchronized (lock) {
      if (closedStatus == null) {
        closedStatus = status;
      }
      open = new ArrayList<>(streams.values());
      streams.clear();
      lock.notifyAll();
      closeSocket();
    }
    for (H2Stream s : open) {
      s.transportFailed(status);
    }
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all that is left to do with it
    }
  }

  private void fail(IOException e) {
    close(Status.UNAVAILABLE.withDescription("connection to berthd lost").withCause(e));
  }

  private void readLoop() {
    FrameReader in = new FrameReader(socket);
    Status end;
    try {
      // the server's preface is its SETTINGS frame; the rest follow in any order
      while (true) {
        in.next();
        frame(in);
      }
    } catch (EOFException e) {
      end = Status.UNAVAILABLE.withDescription("berthd closed the connection").withCause(e);
    } catch (IOException e) {
      end = Status.UNAVAILABLE.withDescription("connection to berthd lost").withCause(e);
    } catch (ProtocolError e) {
      end = Status.INTERNAL.withDescription("HTTP/2 protocol error from berthd: " + e.getMessage()).withCause(e);
      synchronized (lock) {
        try {
          writeFrame(GOAWAY, 0, 0, goAway(PROTOCOL_ERROR), 0, 8);
        } catch (IOException ignored) {
          // the connection ends anyway
        }
      }
    }
    close(end);
    onClosed.run();
  }

  /** Header blocks arrive as HEADERS then CONTINUATIONs of one stream, with nothing in between. */
  private int blockStream;
  private byte[] block;
  private boolean blockEndsStream;

  private void frame(FrameReader in) throws IOException, ProtocolError {
    byte[] p = in.payload;
    int length = in.length;
    int flags = in.flags;
    int streamId = in.streamId;
    if (block != null && (in.type != CONTINUATION || streamId != blockStream)) {
      throw new ProtocolError("a header block was interrupted by another frame");
    }
    switch (in.type) {
      case DATA -> {
        int start = (flags & PADDED) != 0 ? 1 : 0;
        int end = length - ((flags & PADDED) != 0 ? (p[0] & 0xff) : 0);
        if (end < start) {
          throw new ProtocolError("DATA padding longer than its frame");
        }
        acknowledgeConnection(length);
        H2Stream s = stream(streamId);
        if (s != null) {
          s.data(p, start, end - start, length);
          if ((flags & END_STREAM) != 0) {
            s.endOfStream();
            ended(s);
          }
        }
      }
      case HEADERS -> {
        int start = (flags & PADDED) != 0 ? 1 : 0;
        int end = length - ((flags & PADDED) != 0 ? (p[0] & 0xff) : 0);
        if ((flags & PRIORITY) != 0) {
          start += 5;
        }
        if (end < start) {
          throw new ProtocolError("HEADERS padding longer than its frame");
        }
        blockStream = streamId;
        blockEndsStream = (flags & END_STREAM) != 0;
        block = Arrays.copyOfRange(p, start, end);
        if ((flags & END_HEADERS) != 0) {
          headerBlockDone();
        }
      }
      case CONTINUATION -> {
        if (block == null) {
          throw new ProtocolError("CONTINUATION without HEADERS");
        }
        byte[] joined = Arrays.copyOf(block, block.length + length);
        System.arraycopy(p, 0, joined, block.length, length);
        block = joined;
        if ((flags & END_HEADERS) != 0) {
          headerBlockDone();
        }
      }
      case RST_STREAM -> {
        H2Stream s = stream(streamId);
        if (s != null) {
          ended(s);
          s.reset(ByteBuffer.wrap(p, 0, 4).getInt());
        }
      }
      case SETTINGS -> {
        if ((flags & ACK) == 0) {
          settings(p, length);
        }
      }
      case PUSH_PROMISE -> throw new ProtocolError("PUSH_PROMISE, which this client disabled");
      case PING -> {
        if ((flags & ACK) == 0) {
          synchronized (lock) {
            writeFrame(PING, ACK, 0, p, 0, 8);
          }
        }
      }
      case GOAWAY -> goAway(ByteBuffer.wrap(p, 0, 8).getInt() & 0x7fff_ffff, ByteBuffer.wrap(p, 4, 4).getInt(),
          new String(p, 8, length - 8, StandardCharsets.UTF_8));
      case WINDOW_UPDATE -> {
        int increment = ByteBuffer.wrap(p, 0, 4).getInt() & 0x7fff_ffff;
        synchronized (lock) {
          if (streamId == 0) {
            connectionSendWindow += increment;
          } else {
            H2Stream s = streams.get(streamId);
            if (s != null) {
              s.spend(-increment);
            }
          }
          lock.notifyAll();
        }
      }
      default -> {
        // PRIORITY and unknown frame types carry nothing this client uses (RFC 9113 §4.1)
      }
    }
  }

  private void headerBlockDone() throws ProtocolError {
    byte[] b = block;
    int id = blockStream;
    block = null;
    HeaderBlocks.Decoded decoded;
    try {
      // decoded even for a stream this client reset: the dynamic table must stay in step
      decoded = headerBlocks.decode(b);
    } catch (HpackDecoder.HpackException e) {
      throw new ProtocolError("undecodable header block: " + e.getMessage());
    }
    H2Stream s = stream(id);
    if (s == null) {
      return;
    }
    s.headers(decoded, blockEndsStream);
    if (blockEndsStream) {
      ended(s);
    }
  }

  private H2Stream stream(int id) {
    synchronized (lock) {
      return streams.get(id);
    }
  }

  private void settings(byte[] p, int length) throws IOException {
    synchronized (lock) {
      for (int i = 0; i + 6 <= length; i += 6) {
        int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        int value = ByteBuffer.wrap(p, i + 2, 4).getInt();
        if (id == SETTINGS_INITIAL_WINDOW_SIZE) {
          // RFC 9113 §6.9.2: the change applies to the windows of the streams already open
          int delta = value - peerInitialWindow;
          peerInitialWindow = value;
          for (H2Stream s : streams.values()) {
            s.spend(-delta);
          }
        } else if (id == SETTINGS_MAX_FRAME_SIZE) {
          peerMaxFrame = value;
        }
        // the header table size (1) bounds an encoder's table: this client's encoder keeps none
      }
      writeFrame(SETTINGS, ACK, 0, p, 0, 0);
      lock.notifyAll();
    }
  }

  private void goAway(int lastStreamId, int errorCode, String debug) {
    List<H2Stream> refused = new ArrayList<>();
    Status status = Status.UNAVAILABLE.withDescription("berthd is going away"
        + (errorCode == NO_ERROR ? "" : " (HTTP/2 error " + errorCode + (debug.isEmpty() ? "" : ": " + debug) + ")"));
    synchronized (lock) {
      if (closedStatus == null) {
        closedStatus = status;
      }
      streams.entrySet().removeIf(e -> {
        if (e.getKey() > lastStreamId) {
          refused.add(e.getValue());
          return true;
        }
        return false;
      });
      closeIfDone();
    }
    for (H2Stream s : refused) {
      s.transportFailed(status);
    }
    onClosed.run();
  }

  /** Gives back the connection's window once half of it is spent, as data arrives. */
  private void acknowledgeConnection(int bytes) throws IOException {
    connectionUnacknowledged += bytes;
    if (connectionUnacknowledged >= RECEIVE_WINDOW / 2) {
      synchronized (lock) {
        writeFrame(WINDOW_UPDATE, 0, 0, windowIncrement(connectionUnacknowledged), 0, 4);
      }
      connectionUnacknowledged = 0;
    }
  }

  private static byte[] windowIncrement(int bytes) {
    return ByteBuffer.allocate(4).putInt(bytes).array();
  }

  private static byte[] goAway(int errorCode) {
    return ByteBuffer.allocate(8).putInt(0).putInt(errorCode).array();
  }

  /** Writes one frame; the caller holds the lock. */
  private void writeFrame(int type, int flags, int streamId, byte[] payload, int offset, int length)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(9);
    header.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
        .put((byte) type).put((byte) flags).putInt(streamId).flip();
    ByteBuffer body = ByteBuffer.wrap(payload, offset, length);
    while (header.hasRemaining() || body.hasRemaining()) {
      socket.write(new ByteBuffer[] {header, body});
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      socket.write(b);
    }
  }

  /** The server broke HTTP/2's rules: the connection cannot go on. */
  private static final class ProtocolError extends Exception {
    ProtocolError(String message) {
      super(message);
    }
  }

  /** Reads frames off the socket into a reused buffer. */
  private static final class FrameReader {
    private final SocketChannel socket;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    byte[] payload = new byte[16_384];
    int length;
    int type;
    int flags;
    int streamId;

    FrameReader(SocketChannel socket) {
      this.socket = socket;
      in.flip();
    }

    void next() throws IOException, ProtocolError {
      fill(9);
      length = ((in.get() & 0xff) << 16) | ((in.get() & 0xff) << 8) | (in.get() & 0xff);
      type = in.get() & 0xff;
      flags = in.get() & 0xff;
      streamId = in.getInt() & 0x7fff_ffff;
      if (length > 16_777_215) {
        throw new ProtocolError("frame of " + length + " bytes");
      }
      if (payload.length < length) {
        payload = new byte[Math.max(length, payload.length * 2)];
      }
      int read = 0;
      while (read < length) {
        if (!in.hasRemaining()) {
          fill(1);
        }
        int n = Math.min(in.remaining(), length - read);
        in.get(payload, read, n);
        read += n;
      }
      if ((type == RST_STREAM || type == WINDOW_UPDATE) && length < 4 || type == PING && length < 8
          || type == GOAWAY && length < 8 || type == SETTINGS && length % 6 != 0) {
        throw new ProtocolError("frame of type " + type + " with " + length + " bytes");
      }
      if ((type == DATA || type == HEADERS) && (flags & PADDED) != 0 && length < 1) {
        throw new ProtocolError("padded frame without its pad length");
      }
    }

    /** Makes at least {@code bytes} bytes readable in {@code in}. */
    private void fill(int bytes) throws IOException {
      if (in.remaining() >= bytes) {
        return;
      }
      in.compact();
      while (in.position() < bytes) {
        if (socket.read(in) < 0) {
          throw new EOFException("end of stream");
        }
      }
      in.flip();
    }
  }
}
