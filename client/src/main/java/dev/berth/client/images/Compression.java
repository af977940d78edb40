package dev.berth.client.images;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** How a stream is compressed, told by its first bytes (the media type is not always there to say). */
public enum Compression {
  NONE, GZIP, ZSTD;

  /** Enough bytes of a stream's start to tell. */
  static final int MAGIC_BYTES = 4;

  static Compression detect(byte[] head, int length) {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** {@code in} decompressed as its first bytes say; {@code in} must support mark. */
  public static InputStream decompressed(BufferedInputStream in) throws IOException {
    in.mark(MAGIC_BYTES);
    byte[] head = in.readNBytes(MAGIC_BYTES);
    in.reset();
    return switch (detect(head, head.length)) {
      case GZIP -> new GZIPInputStream(in, 64 << 10);
      case ZSTD -> new ZstdInputStream(in);
      case NONE -> in;
    };
  }
}
