package dev.berth.api.content;

import containerd.services.content.v1.ContentGrpc;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A blob reached through the Content API as a read-only channel. Reads in sequence share one Read
 * call; moving the position elsewhere ends it, and the next read starts another there.
 */
final class RemoteBlobChannel implements SeekableByteChannel {
  private final ContentGrpc.ContentBlockingStub blocking;
  private final String digest;
  private final long size;
  private long position;
  private BlobReadStream stream;
  private boolean open = true;

  RemoteBlobChannel(ContentGrpc.ContentBlockingStub blocking, String digest, long size) {
    this.blocking = blocking;
    this.digest = digest;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst) throws ClosedChannelException {
    checkOpen();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (stream == null) {
      stream = new BlobReadStream(blocking, digest, position);
    }
    byte[] buffer = new byte[(int) Math.min(dst.remaining(), size - position)];
    int n = stream.read(buffer, 0, buffer.length);
    if (n < 0) {
      return -1;
    }
    dst.put(buffer, 0, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws ClosedChannelException {
    checkOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws ClosedChannelException {
    checkOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    if (newPosition != position) {
      endRead();
      position = newPosition;
    }
    return this;
  }

  @Override
  public long size() throws ClosedChannelException {
    checkOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    endRead();
  }

  private void endRead() {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  private void checkOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
