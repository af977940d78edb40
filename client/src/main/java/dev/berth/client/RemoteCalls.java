package dev.berth.client;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/**
 * Runs a stub call for a gRPC-backed implementation of a domain interface, so that it fails as
 * the local implementation does: a status the server answers becomes the {@link BerthException}
 * with its code.
 */
public final class RemoteCalls {
  private RemoteCalls() {}

  public static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw Errors.fromStatus(e);
    }
  }

  public static void run(Runnable call) {
    call(() -> {
      call.run();
      return null;
    });
  }
}
