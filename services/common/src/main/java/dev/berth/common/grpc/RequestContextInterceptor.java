package dev.berth.common.grpc;

import dev.berth.api.grpc.Headers;
import dev.berth.api.grpc.LabelPreconditions;
import dev.berth.api.Identifiers;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Reads the {@code containerd-namespace} and {@code containerd-lease} headers, and Berth's
 * {@link LabelPreconditions}, into the call's context. A malformed namespace is refused before any
 * service code runs; preconditions are read, and a malformed one refused, only by the calls that
 * honour them ({@link RequestContext#labelPreconditions}), so other calls ignore the header.
 */
public final class RequestContextInterceptor implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String namespace = headers.get(Headers.NAMESPACE);
    String lease = headers.get(Headers.LEASE);
    if (namespace != null && !Identifiers.isValid(namespace)) {
      call.close(Status.INVALID_ARGUMENT.withDescription(
          "namespace " + Identifiers.printable(namespace)
              + " is invalid: use letters and digits joined by single '.', '_' or '-'"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current()
        .withValue(RequestContext.NAMESPACE, namespace == null ? Headers.DEFAULT_NAMESPACE : namespace)
        .withValue(RequestContext.NAMESPACE_GIVEN, namespace != null)
        .withValue(RequestContext.LEASE, lease == null || lease.isEmpty() ? null : lease)
        .withValue(RequestContext.LABEL_PRECONDITIONS, headers.getAll(LabelPreconditions.HEADER));
    return Contexts.interceptCall(ctx, call, headers, next);
  }
}
