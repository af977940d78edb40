package dev.berth.tasks.containers;

import containerd.services.containers.v1.Container;

/** Finds a container record; what the Tasks service needs from the Containers domain. */
@FunctionalInterface
public interface ContainerLookup {
  /** The container {@code id} of {@code namespace}; NOT_FOUND when there is none. */
  Container get(String namespace, String id);
}
