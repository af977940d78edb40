package dev.berth.ctl.container;

import berth.transfer.v1.PullRequest;
import dev.berth.api.grpc.BerthException;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.Platform;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.image.NoSuchImage;
import dev.berth.ctl.image.PullCommand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What {@code run} and {@code create} do about the image before the container: Docker's --pull. */
final class ImagePulling {
  private ImagePulling() {}

  static void apply(BerthCtl root, Connection c, CreateOptions options) {
    if (options.pullPolicy() == CreateOptions.PullPolicy.never) {
      requirePresent(c, options.image);
      return;
    }
    boolean missing = options.pullPolicy() == CreateOptions.PullPolicy.missing;
    if (missing && present(c, options)) {
      return;
    }
    requireName(options.image);
    if (missing && !options.quiet) {
      // Docker's familiar name with its tag: 'busybox:latest'
      root.io().err().println("Unable to find image '" + ImageNames.familiar(ImageNames.normalize(options.image))
          + "' locally");
    }
    PullCommand.pull(root, c, options.image, PullRequest.newBuilder().setUnpack(true)
        .setPlatform(options.platform == null ? "" : options.platform), options.quiet);
  }

  /**
   * With {@code --pull never}, an image that is not here is Docker's daemon's refusal, with the
   * name as Docker shows it ({@code No such image: nosuch:latest}), and no "Unable to find image"
   * line: Docker prints that only when it goes on to pull.
   */
  private static void requirePresent(Connection c, String image) {
    try {
      new ImageClient(c.channel()).resolve(image);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      requireName(image);
      throw NoSuchImage.of(image, e);
    }
  }

  /** Checked before anything is printed or pulled, as docker checks its "reference format". */
  private static void requireName(String image) {
    try {
      ImageNames.normalize(image);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }

  /** Whether the image is here, and for the platform {@code --platform} names if it names one. */
  private static boolean present(Connection c, CreateOptions options) {
    ImageClient images = new ImageClient(c.channel());
    Image image;
    try {
      image = images.resolve(options.image);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      return false;
    }
    if (options.platform == null) {
      return true;
    }
    Platform wanted;
    try {
      wanted = Platform.parse(options.platform);
    } catch (BerthException e) {
      // the container's creation refuses it with the flag's name
      return true;
    }
    return images.provides(image, wanted);
  }
}
