package dev.berth.snapshots.diff;

import dev.berth.api.Digests;
import dev.berth.api.grpc.Errors;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Counts and (unless made by {@link #counting}) hashes (sha256) what is read through it, refusing
 * to go past a limit with INVALID_ARGUMENT: a layer that inflates beyond it is treated as a
 * decompression bomb.
 */
final class MeasuredInputStream extends FilterInputStream {
  /** Null when only counting. */
  private final MessageDigest sha256;
  private final long limit;
  private final String what;
  private long count;

  MeasuredInputStream(InputStream in, long limit, String what) {
    this(in, limit, what, Digests.newSha256());
  }

  private MeasuredInputStream(InputStream in, long limit, String what, MessageDigest sha256) {
    super(in);
    this.limit = limit;
    this.what = what;
    this.sha256 = sha256;
  }

  /** A stream that counts what is read but does not hash it: {@link #digest} is not to be asked. */
  static MeasuredInputStream counting(InputStream in, long limit, String what) {
    return new MeasuredInputStream(in, limit, what, null);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      count += n;
      if (count > limit) {
        throw Errors.invalidArgument("%s is larger than the limit of %d bytes", what, limit);
      }
      if (sha256 != null) {
        sha256.update(b, off, n);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // skipped bytes must be hashed too
    byte[] buffer = new byte[(int) Math.min(n, 64 << 10)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads what is left, so the count and digest cover the whole stream. */
  void drain() throws IOException {
    byte[] buffer = new byte[64 << 10];
    while (read(buffer, 0, buffer.length) >= 0) {
      // counted and hashed by read
    }
  }

  long count() {
    return count;
  }

  String digest() {
    if (sha256 == null) {
      throw new IllegalStateException(what + " was counted, not hashed");
    }
    return Digests.format(sha256);
  }
}
