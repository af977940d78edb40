package dev.berth.cri.streaming;

import java.nio.file.Path;
import java.util.List;

/** What one streaming URL serves, as the CRI call that made it asked. */
sealed interface StreamRequest {
  /** A command run in a running container ({@code kubectl exec}). */
  record Exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
      implements StreamRequest {}

  /** The container's main process's stdio ({@code kubectl attach}). */
  record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr)
      implements StreamRequest {}

  /** TCP ports of a pod sandbox's network namespace ({@code kubectl port-forward}). */
  record PortForward(String sandboxId, Path netns, List<Integer> ports) implements StreamRequest {}
}
