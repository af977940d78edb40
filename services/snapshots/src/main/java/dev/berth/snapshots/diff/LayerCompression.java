package dev.berth.snapshots.diff;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.api.grpc.Errors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How a layer blob is compressed, from its media type or, where that is vague, its first bytes. */
public enum LayerCompression {
  NONE, GZIP, ZSTD;

  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = OCI_LAYER + "+gzip";
  public static final String OCI_LAYER_ZSTD = OCI_LAYER + "+zstd";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  private static final Map<String, LayerCompression> KNOWN = Map.of(
      OCI_LAYER, NONE,
      OCI_LAYER_GZIP, GZIP,
      OCI_LAYER_ZSTD, ZSTD,
      "application/vnd.oci.image.layer.nondistributable.v1.tar", NONE,
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", GZIP,
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", ZSTD,
      DOCKER_LAYER_GZIP, GZIP,
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", GZIP);

  /**
   * The compression a media type names; empty when the type is a layer type that does not say
   * (none given, {@code ...rootfs.diff.tar}, vendor types), so the caller sniffs. A type that
   * is no layer at all is UNIMPLEMENTED, as containerd answers.
   */
  public static Optional<LayerCompression> forMediaType(String mediaType) {
    LayerCompression known = KNOWN.get(mediaType);
    if (known != null) {
      return Optional.of(known);
    }
    if (mediaType.isEmpty() || mediaType.contains("layer") || mediaType.contains("rootfs")
        || mediaType.contains(".tar")) {
      return Optional.empty();
    }
    throw Errors.unimplemented("unsupported layer media type %s", mediaType);
  }

  /** The compression a layer diff written as {@code mediaType} gets; UNIMPLEMENTED for other types. */
  public static LayerCompression forDiffMediaType(String mediaType) {
    LayerCompression known = KNOWN.get(mediaType);
    if (known == null) {
      throw Errors.unimplemented("unsupported diff media type %s", mediaType);
    }
    return known;
  }

  /** Recognises gzip and zstd by their magic numbers, without consuming them. */
  public static LayerCompression sniff(BufferedInputStream in) throws IOException {
    in.mark(4);
    byte[] head = in.readNBytes(4);
    in.reset();
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 64 << 10);
      case ZSTD -> new ZstdInputStream(in);
    };
  }

  public OutputStream compress(OutputStream out) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> new GZIPOutputStream(out, 64 << 10);
      case ZSTD -> new ZstdOutputStream(out);
    };
  }
}
