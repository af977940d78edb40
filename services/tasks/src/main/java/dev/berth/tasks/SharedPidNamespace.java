package dev.berth.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Whether a task's processes share a PID namespace they did not make (the host's with no pid
 * namespace in the spec, another container's with a path to one). Such a namespace outlives the
 * task's init, so its other processes are not killed by the kernel when the init ends, as they
 * are in a namespace of its own: containerd's runc shim kills them then (its
 * {@code ShouldKillAllOnExit}), and Docker's {@code --pid host} and {@code --pid container:NAME}
 * rely on it.
 */
final class SharedPidNamespace {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SharedPidNamespace() {}

  /**
   * Reads the bundle's config.json. Without one nothing is killed: the bundle is gone, and the
   * runtime's record by the same id may already be another task's.
   */
  static boolean in(Path bundle) {
    JsonNode spec;
    try {
      spec = JSON.readTree(bundle.resolve("config.json").toFile());
    } catch (IOException e) {
      return false;
    }
    for (JsonNode ns : spec.path("linux").path("namespaces")) {
      if (ns.path("type").asText().equals("pid")) {
        return !ns.path("path").asText("").isEmpty();
      }
    }
    return true;
  }
}
