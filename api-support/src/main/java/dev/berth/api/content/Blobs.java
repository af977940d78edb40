package dev.berth.api.content;

import com.google.protobuf.ByteString;
import dev.berth.api.Digests;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Whole blobs of one namespace, through any {@link ContentStore}: streams written as blobs (one
 * the namespace holds already counts as written), blobs read back with their digest checked,
 * labels set. What image import, export and unpack, and the Diff service, do with content.
 */
public final class Blobs {
  public static final int CHUNK_BYTES = 1 << 20;

  private final ContentStore store;
  private final String namespace;
  private final String lease;

  /**
   * @param namespace the blobs' namespace; null for the one a {@link GrpcContentStore}'s channel carries
   * @param lease the lease new blobs join, or null
   */
  public Blobs(ContentStore store, String namespace, String lease) {
    this.store = store;
    this.namespace = namespace;
    this.lease = lease;
  }

  /** The blobs of the namespace (and lease) {@code channel} carries, through the Content API. */
  public static Blobs on(Channel channel) {
    return new Blobs(new GrpcContentStore(channel), null, null);
  }

  /** A blob in the store: its digest and size, and whether it was there before this write. */
  public record Written(String digest, long size, boolean existed) {}

  /** Writes {@code data} under ingest name {@code ref}. */
  public Written write(String ref, byte[] data, Map<String, String> labels) {
    try {
      return write(ref, new ByteArrayInputStream(data), data.length, Digests.sha256(data), labels, n -> { });
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
  }

  /**
   * Streams {@code in} to the store under ingest name {@code ref}, hashing on the way; whatever
   * an earlier attempt left under the ref is started over.
   *
   * @param size the bytes {@code in} holds, or -1 if unknown
   * @param expectedDigest the blob's digest if known, else null: a known digest lets a blob the
   *     store already holds be skipped before any data is sent, and the store refuses other bytes
   * @param written told the running count of bytes sent
   */
  public Written write(String ref, InputStream in, long size, String expectedDigest,
      Map<String, String> labels, LongConsumer written) throws IOException {
    MessageDigest sha256 = Digests.newSha256();
    long offset = 0;
    String computed = null;
    byte[] chunk = new byte[CHUNK_BYTES];
    // Read before the ref is taken, so an input that fails at once leaves no ingest behind.
    int n = in.readNBytes(chunk, 0, chunk.length);
    try (ContentWriter writer = store.writer(namespace, ref, lease)) {
      writer.declare(Math.max(size, 0), expectedDigest);
      while (n > 0) {
        sha256.update(chunk, 0, n);
        // offset 0 also starts over whatever an earlier attempt left under this ref
        offset = writer.write(offset, ByteString.copyFrom(chunk, 0, n));
        written.accept(offset);
        n = in.readNBytes(chunk, 0, chunk.length);
      }
      if (size >= 0 && offset != size) {
        throw Errors.invalidArgument("blob %s ended after %d of %d bytes", ref, offset, size);
      }
      computed = Digests.format(sha256);
      ContentInfo committed = writer.commit(labels);
      return new Written(committed.digest(), committed.size(), false);
    } catch (BerthException e) {
      String known = expectedDigest != null ? expectedDigest : computed;
      if (e.code() == Status.Code.ALREADY_EXISTS && known != null) {
        return new Written(known, size >= 0 ? size : store.info(namespace, known).size(), true);
      }
      abortQuietly(ref);
      throw e;
    } catch (IOException | RuntimeException e) {
      abortQuietly(ref);
      throw e;
    }
  }

  /** The whole blob, refused if larger than {@code maxBytes}; its bytes are checked against the digest. */
  public byte[] read(String digest, long maxBytes) {
    long size = store.info(namespace, digest).size();
    if (size > maxBytes) {
      throw Errors.failedPrecondition("blob %s holds %d bytes, more than the %d expected of it", digest, size, maxBytes);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
    try {
      copyTo(digest, out, Digests.newSha256(size), (int) Math.min(CHUNK_BYTES, size + 1));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Streams the blob to {@code out} and returns its size; fails if the bytes do not match the digest. */
  public long copyTo(String digest, OutputStream out) throws IOException {
    return copyTo(digest, out, Digests.newSha256(), CHUNK_BYTES);
  }

  private long copyTo(String digest, OutputStream out, MessageDigest sha256, int bufferBytes) throws IOException {
    long copied = 0;
    try (InputStream in = store.read(namespace, digest, 0)) {
      byte[] buffer = new byte[bufferBytes];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        sha256.update(buffer, 0, n);
        copied += n;
      }
    }
    String read = Digests.format(sha256);
    if (!read.equals(digest)) {
      throw Errors.internal(null, "blob %s was read back as %s", digest, read);
    }
    return copied;
  }

  /** The blob's bytes as a stream, unchecked; closing it early ends the read. */
  public InputStream open(String digest) {
    return store.read(namespace, digest, 0);
  }

  /** The blob's record, or empty if the store does not hold it. */
  public Optional<ContentInfo> info(String digest) {
    try {
      return Optional.of(store.info(namespace, digest));
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Sets these labels of the blob, leaving its others as they are. */
  public void label(String digest, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    List<String> paths = labels.keySet().stream().map(k -> "labels." + k).toList();
    store.update(namespace, digest, labels, paths);
  }

  /** Drops what a failed write left under {@code ref}; nothing to drop, or a ref still held, is fine. */
  private void abortQuietly(String ref) {
    try {
      store.abort(namespace, ref);
    } catch (BerthException ignored) {
      // the failure being reported matters more than the leftover ingest
    }
  }
}
