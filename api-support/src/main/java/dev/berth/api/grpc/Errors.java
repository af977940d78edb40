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
   * What a server answered, as the exception it threw there: same code, same message. Lets a
   * gRPC-backed implementation of a domain interface fail as the local one does.
   */
  public static BerthException fromStatus(StatusRuntimeException e) {
    return new BerthException(e.getStatus().getCode(), String.valueOf(e.getStatus().getDescription()), e);
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
