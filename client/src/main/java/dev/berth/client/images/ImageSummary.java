package dev.berth.client.images;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a listing of images shows of one: the size of its content for this platform, when its
 * config says it was made, and its config's labels (Docker's {@code Config.Labels}, which its
 * {@code label=} filters match); each empty when the content is not all there to read.
 */
public record ImageSummary(OptionalLong size, Optional<Instant> created, Map<String, String> labels) {
  static final ImageSummary UNKNOWN = new ImageSummary(OptionalLong.empty(), Optional.empty(), Map.of());

  public ImageSummary {
    labels = Map.copyOf(labels);
  }
}
