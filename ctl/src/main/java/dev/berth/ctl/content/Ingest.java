package dev.berth.ctl.content;

import com.google.protobuf.ByteString;
import dev.berth.api.Digests;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Writes one blob through a content writer (STAT, WRITE in 1 MiB chunks, COMMIT over the Content
 * API). A seekable input resumes an interrupted ingest of the same ref from the offset berthd
 * reports, once the bytes berthd holds are known to match the input's.
 */
public final class Ingest {
  static final int CHUNK_BYTES = 1 << 20;

  /**
   * What to write.
   *
   * @param ref the ingest's name, which a resume must repeat
   * @param expectedSize the size declared, or -1
   * @param expectedDigest the digest declared, or ""
   * @param labels labels of the committed blob
   */
  public record Target(String ref, long expectedSize, String expectedDigest, Map<String, String> labels) {}

  private final ContentStore store;

  /** {@code store} reaches the namespace through its channel, so calls name none. */
  public Ingest(ContentStore store) {
    this.store = store;
  }

  /**
   * Writes {@code input} ({@code size} bytes, or -1 if unknown) as {@code target} and returns the
   * blob's digest. A blob already present counts as written.
   */
  public String write(Target target, ReadableByteChannel input, long size, TransferProgress progress)
      throws IOException {
    MessageDigest sha256 = Digests.newSha256();
    try (ContentWriter writer = store.writer(null, target.ref(), null)) {
      try {
        writer.declare(target.expectedSize() >= 0 ? target.expectedSize() : Math.max(size, 0),
            target.expectedDigest());
      } catch (BerthException e) {
        if (alreadyExists(e) && !target.expectedDigest().isEmpty()) {
          return target.expectedDigest();
        }
        throw e;
      }
      long offset = resumeOffset(writer, input, size, sha256);
      progress.reached(offset);
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
      while (fill(input, chunk.clear()) > 0) {
        sha256.update(chunk.array(), 0, chunk.limit());
        // offset 0 also truncates whatever an earlier attempt left under this ref
        offset = writer.write(offset, ByteString.copyFrom(chunk.array(), 0, chunk.limit()));
        progress.reached(offset);
      }
      String digest = Digests.format(sha256);
      String expected = target.expectedDigest().isEmpty() ? digest : target.expectedDigest();
      try {
        return writer.commit(target.labels()).digest();
      } catch (BerthException e) {
        if (alreadyExists(e)) {
          return expected;
        }
        throw e;
      }
    }
  }

  /**
   * Where to continue: the offset berthd reached if the input is seekable and its first bytes hash
   * to the digest berthd reports for them (they are read, and hashed into {@code sha256});
   * otherwise 0, with the input rewound.
   */
  private static long resumeOffset(ContentWriter writer, ReadableByteChannel input, long size,
      MessageDigest sha256) throws IOException {
    long reached = writer.status().offset();
    if (reached == 0 || !(input instanceof SeekableByteChannel seekable) || reached > size) {
      return 0;
    }
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
    long left = reached;
    while (left > 0) {
      int n = fill(input, buffer.clear().limit((int) Math.min(CHUNK_BYTES, left)));
      if (n == 0) {
        break;
      }
      sha256.update(buffer.array(), 0, n);
      left -= n;
    }
    if (left == 0 && Digests.format(cloneOf(sha256)).equals(writer.digest())) {
      return reached;
    }
    sha256.reset();
    seekable.position(0);
    return 0;
  }

  /**
   * Reads until {@code buffer} is full up to its limit or the input ends; returns the bytes read,
   * with the buffer flipped for reading them.
   */
  private static int fill(ReadableByteChannel input, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (input.read(buffer) < 0) {
        break;
      }
    }
    buffer.flip();
    return buffer.limit();
  }

  private static MessageDigest cloneOf(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }

  private static boolean alreadyExists(BerthException e) {
    return e.code() == Status.Code.ALREADY_EXISTS;
  }
}
