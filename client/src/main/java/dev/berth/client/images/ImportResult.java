package dev.berth.client.images;

import java.util.List;
import java.util.Optional;

/**
 * What an import made: the image records, with the snapshot (chain ID) each was unpacked to, and
 * the archive's top index (an OCI index; synthesized for a docker save archive).
 */
public record ImportResult(List<ImportedImage> images, Descriptor index) {
  public ImportResult {
    images = List.copyOf(images);
  }

  /** One image record; {@code snapshot} is its top chain ID if it was unpacked. */
  public record ImportedImage(Image image, Optional<String> snapshot) {}

  /** The imported image named {@code name}. */
  public Optional<ImportedImage> image(String name) {
    return images.stream().filter(i -> i.image().name().equals(name)).findFirst();
  }
}
