package dev.berth.common.grpc;

/** Creates a namespace the first time something is stored in it, as containerd does. */
@FunctionalInterface
public interface NamespaceRegistrar {
  /** Makes sure {@code namespace} exists, leaving an existing one alone. */
  void ensure(String namespace);
}
