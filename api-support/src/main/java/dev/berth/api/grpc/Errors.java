package dev.berth.api.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Factories for the errors clients map by code (containerd's errdefs), and their mapping to gRPC status. */
public final class Errors {
  private static final Logger LOG = Logger.getLogger(Errors.class.getName());

  private Errors() {}

  public static BerthException notFound(String format, Object... args) {
    return of(Status.Code.NOT_FOUND, format, args);
  }

  public static BerthException alreadyExists(String format, Object... args) {
    return of(Status.Code.ALREADY_EXISTS, format, args);
  }

  public static BerthException invalidArgument(String format, Object... args) {
    return of(Status.Code.INVALID_ARGUMENT, format, args);
  }

  public static BerthException failedPrecondition(String format, Object... args) {
    return of(Status.Code.FAILED_PRECONDITION, format, args);
  }

  public static BerthException unavailable(String format, Object... args) {
    return of(Status.Code.UNAVAILABLE, format, args);
  }

  public static BerthException outOfRange(String format, Object... args) {
    return of(Status.Code.OUT_OF_RANGE, format, args);
  }

  public static BerthException resourceExhausted(String format, Object... args) {
    return of(Status.Code.RESOURCE_EXHAUSTED, format, args);
  }

  public static BerthException permissionDenied(String format, Object... args) {
    return of(Status.Code.PERMISSION_DENIED, format, args);
  }

  /** Bytes that are not what they claim to be (a digest that does not match). */
  public static BerthException dataLoss(String format, Object... args) {
    return of(Status.Code.DATA_LOSS, format, args);
  }

  public static BerthException unimplemented(String format, Object... args) {
    return of(Status.Code.UNIMPLEMENTED, format, args);
  }

  public static BerthException internal(Throwable cause, String format, Object... args) {
    return new BerthException(Status.Code.INTERNAL, String.format(format, args), cause);
  }

  private static BerthException of(Status.Code code, String format, Object... args) {
    return new BerthException(code, args.length == 0 ? format : String.format(format, args), null);
  }

  /**
   * A status a server answered, as the failure it stood for: the same code and message, so a
   * caller of a store reached over gRPC sees what a caller of the store itself would.
   */
  public static BerthException fromStatus(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return new BerthException(e.getStatus().getCode(),
        description != null ? description : e.getStatus().getCode().name(), e);
  }

  /**
   * The status to answer for a failure. Unexpected exceptions become INTERNAL and are logged with
   * their stack trace, since the client only sees the message.
   */
  public static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof BerthException e) {
      if (e.code() == Status.Code.INTERNAL) {
        LOG.log(Level.SEVERE, e.getMessage(), e.getCause() != null ? e.getCause() : e);
      }
      return e.toStatusException();
    }
    if (t instanceof StatusRuntimeException e) {
      return e;
    }
    if (t instanceof StatusException e) {
      return e.getStatus().asRuntimeException(e.getTrailers());
    }
    LOG.log(Level.SEVERE, "internal error", t);
    return Status.INTERNAL.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
  }
}
