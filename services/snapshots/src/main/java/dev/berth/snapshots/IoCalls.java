package dev.berth.snapshots;

import dev.berth.api.grpc.Errors;
import java.io.IOException;

/** Turns an I/O failure of the host (not the caller's fault) into INTERNAL for a gRPC handler. */
final class IoCalls {
  interface IoCall<T> {
    T call() throws IOException;
  }

  private IoCalls() {}

  static <T> T internalOnFailure(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw Errors.internal(e, "%s", e.getMessage());
    }
  }
}
