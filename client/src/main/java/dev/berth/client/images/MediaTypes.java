package dev.berth.client.images;

/** The media types of OCI and Docker images, and what kind of blob each names. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";

  private MediaTypes() {}

  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  public static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  public static boolean isConfig(String mediaType) {
    return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
  }

  /**
   * Foreign (Docker) and non-distributable (OCI) layers: their descriptors name URLs elsewhere,
   * and neither Docker nor containerd fetches, pushes or saves them.
   */
  public static boolean isNonDistributable(String mediaType) {
    return mediaType.contains("foreign") || mediaType.contains("nondistributable");
  }

  /** Layers of either family, distributable or not, in any compression. */
  public static boolean isLayer(String mediaType) {
    return mediaType.startsWith("application/vnd.oci.image.layer.")
        || mediaType.startsWith("application/vnd.docker.image.rootfs.");
  }
}
