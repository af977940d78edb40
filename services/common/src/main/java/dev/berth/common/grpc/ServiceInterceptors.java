package dev.berth.common.grpc;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/** The interceptor chain every Berth service is served with, in one place. */
public final class ServiceInterceptors {
  private ServiceInterceptors() {}

  /**
   * Wraps a service so that, for each call, the namespace and lease headers are read first, then
   * the call is logged, then exceptions thrown by the service become statuses.
   */
  public static ServerServiceDefinition wrap(BindableService service) {
    return wrap(service.bindService());
  }

  public static ServerServiceDefinition wrap(ServerServiceDefinition definition) {
    // ServerInterceptors.intercept runs the last interceptor first.
    return ServerInterceptors.intercept(definition,
        new ErrorMappingInterceptor(), new CallLoggingInterceptor(), new RequestContextInterceptor());
  }
}
