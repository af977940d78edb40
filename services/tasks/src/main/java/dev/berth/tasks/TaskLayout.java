package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import java.nio.file.Path;

/**
 * Where tasks live under the state directory (tmpfs in production, like containerd's /run):
 * {@code tasks/<namespace>/<id>/} is a container's bundle (config.json, rootfs, conmon's files,
 * state.json, {@code network} naming the network the task's container was attached to) with
 * {@code execs/<exec-id>/} per exec process; {@code logs/<namespace>/<id>.log} is the CRI log of
 * the container's init processes, each task's conmon appending to it, so that it outlives the
 * tasks until the container record goes; {@code runc/<namespace>/} is the runtime's own state;
 * {@code s/} holds conmon's short attach socket links (socket paths are limited to 107 bytes);
 * {@code trash/} the bundles of deleted tasks until they are deleted.
 */
record TaskLayout(Path state) {
  static final String STATE_FILE = "state.json";
  static final String EXECS = "execs";
  static final String NETWORK_FILE = "network";

  Path tasks() {
    return state.resolve("tasks");
  }

  Path bundle(String namespace, String id) {
    return tasks().resolve(namespace).resolve(id);
  }

  Path log(String namespace, String id) {
    return state.resolve("logs").resolve(namespace).resolve(id + ".log");
  }

  /**
   * Where the container's monitors write its CRI log: the path its {@link ContainerLabels#LOG_PATH}
   * label names (the kubelet's choice), else {@link #log(String, String)}.
   */
  Path log(String namespace, Container container) {
    String named = container.getLabelsMap().getOrDefault(ContainerLabels.LOG_PATH, "");
    return named.startsWith("/") ? Path.of(named) : log(namespace, container.getId());
  }

  Path execDir(Path bundle, String execId) {
    return bundle.resolve(EXECS).resolve(execId);
  }

  Path socketDir() {
    return state.resolve("s");
  }

  /** Bundles of deleted tasks, deleted in the background (see {@link TaskTeardown#removeBundle}). */
  Path trash() {
    return state.resolve("trash");
  }

  Path runtimeRoot(String namespace) {
    return state.resolve("runc").resolve(namespace);
  }
}
