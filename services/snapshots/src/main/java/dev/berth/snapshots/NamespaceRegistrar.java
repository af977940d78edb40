package dev.berth.snapshots;

/**
 * Creates a namespace the first time something is stored in it, as containerd does. berthd
 * passes {@code new NamespaceRegistration(channel)::ensure}.
 */
@FunctionalInterface
public interface NamespaceRegistrar {
  void ensure(String namespace);
}
