package dev.berth.ctl.image;

import dev.berth.client.containers.ImageChanges;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.CommandFailure;
import java.util.List;

/**
 * The name and {@code --change} instructions of a command that makes an image (commit, import),
 * checked before anything is made. Berth keeps no unnamed images, so the name is required.
 */
public record NewImageArguments(String reference, ImageChanges changes) {
  /** @param usage the command's words before the name, such as {@code commit CONTAINER} */
  public static NewImageArguments check(String usage, String reference, List<String> changes) {
    if (reference == null) {
      // Docker's would make an untagged image, known by its id alone
      throw new CommandFailure(usage.split(" ")[0] + " needs a name for the image, as Berth keeps no unnamed "
          + "images: berthctl " + usage + " REPOSITORY[:TAG]");
    }
    try {
      ImageNames.normalize(reference);
      return new NewImageArguments(reference, ImageChanges.parse(changes));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }
}
