package dev.berth.ctl.container;

import berth.transfer.v1.PullRequest;
import dev.berth.client.images.ImageClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.image.PullCommand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What {@code run} and {@code create} do about the image before the container: Docker's --pull. */
final class ImagePulling {
  private ImagePulling() {}

  static void apply(BerthCtl root, Connection c, CreateOptions options) {
    if (options.pull == CreateOptions.PullPolicy.never) {
      return;
    }
    if (options.pull == CreateOptions.PullPolicy.missing) {
      try {
        new ImageClient(c.channel()).resolve(options.image);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
      root.io().err().println("Unable to find image '" + options.image + "' locally");
    }
    PullCommand.pull(root, c, options.image, PullRequest.newBuilder().setUnpack(true), false);
  }
}
