package dev.berth.ctl.transport;

import io.grpc.Status;

/**
 * A stream as its {@link H2Connection} sees it: an id, what it may still send, and what the
 * connection's reading thread hands it. Calls to it come from that one thread, except {@link
 * #transportFailed}, which may also come from a writer that lost the connection.
 */
abstract class H2Stream {
  private int id;
  private long sendWindow;

  /** Called by the connection, under its lock, as the stream's HEADERS go out. */
  final void opened(int streamId, int initialSendWindow) {
    this.id = streamId;
    this.sendWindow = initialSendWindow;
  }

  final int id() {
    return id;
  }

  /** Called under the connection's lock. */
  final long sendWindow() {
    return sendWindow;
  }

  /** Called under the connection's lock; a negative count is a WINDOW_UPDATE's increment. */
  final void spend(long bytes) {
    sendWindow -= bytes;
  }

  /** A header block: the answer's headers, or its trailers ({@code endStream}). */
  abstract void headers(HeaderBlocks.Decoded headers, boolean endStream);

  /**
   * {@code length} bytes of gRPC's framed messages from a DATA frame of {@code frameLength}
   * bytes (padding included, as flow control counts); {@code bytes} is reused after the call.
   */
  abstract void data(byte[] bytes, int offset, int length, int frameLength);

  /** The server ended its side with a DATA frame. */
  abstract void endOfStream();

  /** The server reset the stream with {@code errorCode}. */
  abstract void reset(int errorCode);

  /** The connection ended before the stream did. */
  abstract void transportFailed(Status status);
}
