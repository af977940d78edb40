package dev.berth.content;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;

/** The gRPC status code a call fails with. */
final class Codes {
  private Codes() {}

  static Status.Code of(Executable call) {
    try {
      call.execute();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } catch (StatusException e) {
      return e.getStatus().getCode();
    } catch (Throwable t) {
      fail("expected a gRPC status, got " + t, t);
    }
    return fail("expected the call to fail");
  }
}
