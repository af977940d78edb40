package dev.berth.cri.streaming;

import containerd.services.containers.v1.Container;
import containerd.v1.types.Process;
import java.util.Optional;

/**
 * The ended task a CRI container's record keeps once the task itself was deleted at its exit, so
 * that a streaming call on it says the container exited rather than that it was never started.
 */
@FunctionalInterface
public interface EndedTasks {
  /** Empty when the record keeps none. */
  Optional<Process> of(Container record);
}
