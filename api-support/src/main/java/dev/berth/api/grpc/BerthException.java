package dev.berth.api.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A failure the caller caused or can act on, carrying the gRPC status code containerd's clients
 * branch on. Domain code throws it through {@link Errors}; {@link ErrorMappingInterceptor} and
 * {@link Errors#toStatus(Throwable)} turn it into a response.
 */
public final class BerthException extends RuntimeException {
  private final Status.Code code;

  BerthException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Status.Code code() {
    return code;
  }

  public StatusRuntimeException toStatusException() {
    return Status.fromCode(code).withDescription(getMessage()).asRuntimeException();
  }
}
