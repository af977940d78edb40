package dev.berth.snapshots.diff;

import dev.berth.api.Digests;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Errors;
import dev.berth.linux.MountSpec;
import io.grpc.Channel;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Applies a layer blob from the Content service to mounts: the blob is read over gRPC,
 * decompressed, and unpacked; the result is the diff ID (the sha256 of the uncompressed tar) and
 * its size.
 *
 * <p>The blob's digest is not computed again: the Content service publishes a blob under its
 * digest only after checking it while it was written, and the Diff service trusts that store as
 * containerd's does (hashing 200 MB of layers a second time was a tenth of a cold pull's CPU).
 * Its size is checked: a blob whose length differs from the descriptor's is FAILED_PRECONDITION,
 * and what was unpacked so far stays: the caller's snapshot holds it, and clients remove a
 * snapshot whose apply failed.
 */
public final class LayerApplier {
  /** The uncompressed tar of the applied layer. */
  public record Applied(String diffId, long size) {}

  private final ContentStore content;
  private final Path scratch;
  private final long maxLayerBytes;

  /**
   * @param contentChannel reaches the Content service
   * @param scratch where temporary mount points go
   * @param maxLayerBytes the most bytes a layer may inflate to
   */
  public LayerApplier(Channel contentChannel, Path scratch, long maxLayerBytes) {
    this.content = new GrpcContentStore(contentChannel);
    this.scratch = scratch;
    this.maxLayerBytes = maxLayerBytes;
  }

  public Applied apply(String namespace, String mediaType, String digest, long size, List<MountSpec> mounts)
      throws IOException {
    Digests.validate(digest);
    Optional<LayerCompression> declared = LayerCompression.forMediaType(mediaType);
    try (ApplyTarget target = ApplyTarget.open(mounts, scratch);
        InputStream blob = content.read(namespace, digest, 0)) {
      MeasuredInputStream compressed = MeasuredInputStream.counting(blob, Long.MAX_VALUE, "layer blob " + digest);
      BufferedInputStream buffered = new BufferedInputStream(compressed, 64 << 10);
      String diffId;
      long diffSize;
      InputStream inflated = new CorruptionAsInvalid(decompressed(declared, buffered, digest), digest);
      // reading and inflating on one core, hashing and writing the files on the other
      try (ReadAheadStream ahead = new ReadAheadStream(inflated, "apply-" + Digests.hex(digest).substring(0, 12))) {
        MeasuredInputStream uncompressed = new MeasuredInputStream(ahead, maxLayerBytes, "uncompressed layer " + digest);
        new LayerUnpacker(target.root(), target.style(), target.lowers()).unpack(uncompressed);
        uncompressed.drain();
        // the end of the inflated stream is read: the blob is this thread's again
        compressed.drain();
        diffId = uncompressed.digest();
        diffSize = uncompressed.count();
      }
      if (size > 0 && compressed.count() != size) {
        throw Errors.failedPrecondition("layer blob %s does not match its descriptor: it has %d bytes, not %d",
            digest, compressed.count(), size);
      }
      return new Applied(diffId, diffSize);
    }
  }

  private static InputStream decompressed(Optional<LayerCompression> declared, BufferedInputStream in,
      String digest) throws IOException {
    try {
      LayerCompression c = declared.isPresent() ? declared.get() : LayerCompression.sniff(in);
      return c.decompress(in);
    } catch (IOException e) {
      throw Errors.invalidArgument("layer blob %s cannot be decompressed: %s", digest, e.getMessage());
    }
  }

  /** Read failures below this point are bad layer data, which the caller sent: INVALID_ARGUMENT. */
  private static final class CorruptionAsInvalid extends FilterInputStream {
    private final String digest;

    CorruptionAsInvalid(InputStream in, String digest) {
      super(in);
      this.digest = digest;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    @Override
    public long skip(long n) {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    private RuntimeException corrupt(IOException e) {
      return Errors.invalidArgument("layer blob %s is corrupt: %s", digest, e.getMessage());
    }
  }
}
