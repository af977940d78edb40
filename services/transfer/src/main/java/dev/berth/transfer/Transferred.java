package dev.berth.transfer;

import dev.berth.client.images.Image;

/**
 * The image record a transfer wrote or pushed, the reference it resolved to, and the digest and
 * size moved; {@code replacedIndex}, for a push that sent one manifest of an index whose other
 * platforms are not here, that index's digest, else empty.
 */
public record Transferred(Image image, String resolved, String digest, long size, String replacedIndex) {
  public Transferred(Image image, String resolved, String digest, long size) {
    this(image, resolved, digest, size, "");
  }
}
