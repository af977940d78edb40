package dev.berth.client.images;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a listing of images shows of one: the size of its content for this platform and when its
 * config says it was made; each empty when the content is not all there to read.
 */
public record ImageSummary(OptionalLong size, Optional<Instant> created) {
  static final ImageSummary UNKNOWN = new ImageSummary(OptionalLong.empty(), Optional.empty());
}
