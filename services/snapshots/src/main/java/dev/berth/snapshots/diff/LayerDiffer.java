package dev.berth.snapshots.diff;

import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.linux.MountSpec;
import dev.berth.api.labels.GcLabels;
import io.grpc.Channel;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Computes the changes between two mount lists as a layer, compresses it as the media type
 * asks, and stores it through the Content service with label {@code containerd.io/uncompressed}
 * naming its diff ID.
 */
public final class LayerDiffer {

  /** The stored layer. */
  public record Stored(String mediaType, String digest, long size) {}

  private final ContentStore content;
  private final Path scratch;

  /**
   * @param contentChannel reaches the Content service
   * @param scratch where the layer is staged before it is written, and temporary mount points go
   */
  public LayerDiffer(Channel contentChannel, Path scratch) {
    this.content = new GrpcContentStore(contentChannel);
    this.scratch = scratch;
  }

  /**
   * @param mediaType empty for {@code application/vnd.oci.image.layer.v1.tar+gzip}
   * @param ref the ingest ref; empty for a generated one
   * @param lease the lease the stored blob joins, or null
   */
  public Stored diff(String namespace, String lease, List<MountSpec> left, List<MountSpec> right, String mediaType,
      String ref, Map<String, String> labels) throws IOException {
    String type = mediaType.isEmpty() ? LayerCompression.OCI_LAYER_GZIP : mediaType;
    LayerCompression compression = LayerCompression.forDiffMediaType(type);
    Files.createDirectories(scratch);
    Path staged = Files.createTempFile(scratch, "diff-", ".layer");
    try {
      MessageDigest blobDigest = Digests.newSha256();
      MessageDigest diffId = Digests.newSha256();
      CountingOutputStream blob = new CountingOutputStream(
          new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(staged), 64 << 10), blobDigest));
      // closing the tar closes the chain down to the file, finishing compression on the way
      try (OutputStream tar = new DigestOutputStream(compression.compress(blob), diffId)) {
        DiffSides.writeChanges(left, right, scratch, tar);
      }
      String digest = Digests.format(blobDigest);
      Map<String, String> blobLabels = new HashMap<>(labels);
      blobLabels.put(GcLabels.UNCOMPRESSED, Digests.format(diffId));
      String ingest = ref.isEmpty() ? "berth-diff-" + UUID.randomUUID() : ref;
      try (InputStream in = Files.newInputStream(staged)) {
        // a blob the namespace holds already counts as written: content addressing makes it the same bytes
        new Blobs(content, namespace, lease).write(ingest, in, blob.count(), digest, blobLabels, n -> { });
      }
      return new Stored(type, digest, blob.count());
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
