package dev.berth.common.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs each finished call with its service, method, namespace and outcome: failures the server
 * caused at WARNING, everything else at FINE (visible with --debug).
 */
public final class CallLoggingInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger("berth.calls");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long start = System.nanoTime();
    String method = call.getMethodDescriptor().getFullMethodName();
    String namespace = RequestContext.namespace();
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        Level level = isServerFault(status.getCode()) ? Level.WARNING : Level.FINE;
        if (LOG.isLoggable(level)) {
          LOG.log(level, String.format("method=%s namespace=%s status=%s%s duration=%.1fms",
              method, namespace, status.getCode(),
              status.getDescription() == null ? "" : " error=\"" + status.getDescription() + "\"",
              (System.nanoTime() - start) / 1e6));
        }
        super.close(status, trailers);
      }
    }, headers);
  }

  private static boolean isServerFault(Status.Code code) {
    return code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN
        || code == Status.Code.DATA_LOSS || code == Status.Code.UNIMPLEMENTED;
  }
}
