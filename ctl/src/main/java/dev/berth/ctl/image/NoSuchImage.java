package dev.berth.ctl.image;

import dev.berth.client.images.ImageNames;
import dev.berth.ctl.DaemonError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/**
 * Docker's words for an image that is not there: {@code Error response from daemon: No such
 * image: busybox:latest}, the name in its short form with the tag it defaults to.
 */
public final class NoSuchImage {
  private NoSuchImage() {}

  /** What {@code call} returns; its NOT_FOUND as Docker's words for {@code name}. */
  static <T> T naming(String name, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw of(name, e);
      }
      throw e;
    }
  }

  /** Docker's "No such image: NAME:TAG" for {@code name}, as berthd's refusal. */
  public static DaemonError of(String name, Throwable cause) {
    String shown = ImageNames.isValid(name) ? ImageNames.familiar(ImageNames.normalize(name)) : name;
    return new DaemonError("No such image: " + shown, cause);
  }
}
