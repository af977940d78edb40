package dev.berth.tasks.runtime;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * containerd answers UNKNOWN when the OCI runtime itself fails (a command not found in the
 * image, a mount the kernel refuses), carrying the runtime's own message.
 */
public final class RuntimeErrors {
  private RuntimeErrors() {}

  public static StatusRuntimeException unknown(String format, Object... args) {
    return Status.UNKNOWN.withDescription(String.format(format, args)).asRuntimeException();
  }
}
