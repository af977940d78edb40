package dev.berth.api.grpc;

import io.grpc.Metadata;

/** The gRPC metadata headers containerd's API uses to pick a namespace and a lease. */
public final class Headers {
  /** The namespace a call without a {@code containerd-namespace} header works in. */
  public static final String DEFAULT_NAMESPACE = "default";
  public static final Metadata.Key<String> NAMESPACE =
      Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> LEASE =
      Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);

  private Headers() {}
}
