package dev.berth.ctl.image;

import dev.berth.client.images.ImageNames;
import dev.berth.ctl.CommandFailure;

/**
 * Docker's CLI's words for an image name its reference parser refuses: pull and push parse the
 * argument before asking the daemon and print the parser's error alone, tag wraps it. The parser
 * names two reasons in its own words (an upper-case repository, a path over 255 characters); every
 * other, an empty name too (the parser reads {@code ""} as {@code docker.io/library/}), is "invalid
 * reference format".
 */
final class ReferenceFormat {
  static final String INVALID = "invalid reference format";

  private ReferenceFormat() {}

  /** Docker's parser's reason for what {@link ImageNames#normalize} refused in {@code e}. */
  static String reason(IllegalArgumentException e) {
    String message = e.getMessage();
    return message.startsWith(INVALID) || message.equals(ImageNames.NAME_TOO_LONG) ? message : INVALID;
  }

  /** {@code reference} in full, or a failure in Docker's parser's words. */
  static String normalize(String reference) {
    try {
      return ImageNames.normalize(reference);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(reason(e), e);
    }
  }
}
