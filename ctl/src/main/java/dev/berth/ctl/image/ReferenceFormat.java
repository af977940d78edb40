package dev.berth.ctl.image;

import dev.berth.client.images.ImageNames;
import dev.berth.ctl.CommandFailure;

/**
 * Docker's CLI's words for an image name its reference parser refuses: pull and push parse the
 * argument before asking the daemon and print the parser's error alone, tag wraps it. The parser
 * names one reason in its own words (an upper-case repository); every other is "invalid reference
 * format".
 */
final class ReferenceFormat {
  static final String INVALID = "invalid reference format";
  private static final String EMPTY = "repository name must have at least one component";

  private ReferenceFormat() {}

  /** Docker's parser's reason for what {@link ImageNames#normalize} refused in {@code e}. */
  static String reason(String reference, IllegalArgumentException e) {
    if (reference.isEmpty()) {
      return EMPTY;
    }
    return e.getMessage().startsWith(INVALID) ? e.getMessage() : INVALID;
  }

  /** {@code reference} in full, or a failure in Docker's parser's words. */
  static String normalize(String reference) {
    try {
      return ImageNames.normalize(reference);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(reason(reference, e), e);
    }
  }
}
