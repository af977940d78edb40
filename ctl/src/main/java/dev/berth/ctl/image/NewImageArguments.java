package dev.berth.ctl.image;

import dev.berth.client.containers.ImageChanges;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.CommandFailure;
import java.util.List;

/**
 * The name and {@code --change} instructions of a command that makes an image (commit, import),
 * checked before anything is made. Without a name the image is kept untagged, as Docker's.
 */
public record NewImageArguments(String reference, ImageChanges changes) {
  /** @param reference the new image's name, or null */
  public static NewImageArguments check(String reference, List<String> changes) {
    try {
      if (reference != null) {
        ImageNames.normalize(reference);
      }
      return new NewImageArguments(reference, ImageChanges.parse(changes));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }
}
