package dev.berth.client.images;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * How to import an archive.
 *
 * @param baseName the repository for OCI reference names that are only a tag ({@code latest}
 *     becomes {@code <baseName>:latest}); null for containerd's {@code import-<date>}
 * @param unpack whether to unpack each image into snapshots after importing it
 * @param snapshotter the snapshotter to unpack into
 * @param platform the platform whose manifests are unpacked and labelled
 * @param listener told of progress
 */
public record ImportOptions(String baseName, boolean unpack, String snapshotter, Platform platform,
    ImportListener listener) {
  public static final String DEFAULT_SNAPSHOTTER = "overlayfs";

  /** Unpack into overlayfs, for this platform, tag-only names under {@code import-<date>}. */
  public static ImportOptions defaults() {
    return new ImportOptions(null, true, DEFAULT_SNAPSHOTTER, Platform.current(), ImportListener.NONE);
  }

  public ImportOptions withBaseName(String baseName) {
    return new ImportOptions(baseName, unpack, snapshotter, platform, listener);
  }

  public ImportOptions withUnpack(boolean unpack) {
    return new ImportOptions(baseName, unpack, snapshotter, platform, listener);
  }

  public ImportOptions withSnapshotter(String snapshotter) {
    return new ImportOptions(baseName, unpack, snapshotter, platform, listener);
  }

  public ImportOptions withPlatform(Platform platform) {
    return new ImportOptions(baseName, unpack, snapshotter, platform, listener);
  }

  public ImportOptions withListener(ImportListener listener) {
    return new ImportOptions(baseName, unpack, snapshotter, platform, listener);
  }

  /** The name a tag-only OCI reference name gives the image. */
  String nameForTag(String tag) {
    String base = baseName != null ? baseName : "import-" + LocalDate.now(ZoneOffset.UTC);
    return base + ":" + tag;
  }
}
