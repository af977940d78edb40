package dev.berth.common.grpc;

import dev.berth.api.grpc.Errors;
import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Creates a namespace on first use, as containerd does when something is first stored in it,
 * through the Namespaces service's API.
 */
public final class NamespaceRegistration implements NamespaceRegistrar {
  private final NamespacesGrpc.NamespacesBlockingStub namespaces;

  public NamespaceRegistration(Channel namespacesChannel) {
    this.namespaces = NamespacesGrpc.newBlockingStub(namespacesChannel);
  }

  /** Makes sure {@code namespace} exists; an existing one is left as it is. */
  @Override
  public void ensure(String namespace) {
    try {
      namespaces.create(CreateNamespaceRequest.newBuilder()
          .setNamespace(Namespace.newBuilder().setName(namespace)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw Errors.unavailable("cannot register namespace %s: %s", namespace, e.getStatus());
      }
    }
  }
}
