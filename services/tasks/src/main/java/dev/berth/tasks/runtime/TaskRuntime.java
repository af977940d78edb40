package dev.berth.tasks.runtime;

import com.google.protobuf.Any;
import dev.berth.linux.Pipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What runs containers' processes, in the spirit of containerd's shim task API: create a
 * container from its bundle, start, signal, pause, resume, update and delete it, exec more
 * processes into it. Every call may take as long as the runtime binary does, so callers make
 * them without holding any lock other requests need.
 *
 * <p>A process's end is reported the way conmon reports it, which outlives berthd: the file
 * {@code persist/exit} in the process's directory, holding the exit status (128 + signal when
 * killed), written when the process has ended and its output drained, its modification time
 * being the exit time; {@code persist/oom} appears on each OOM kill.
 *
 * <p>Failures of the runtime itself are UNKNOWN with the runtime's message; FAILED_PRECONDITION
 * when the runtime says the container is in the wrong state for the call.
 */
public interface TaskRuntime {
  /**
   * What is to run: the container, its monitor's id, the bundle or exec directory and the stdio it
   * gets, and whether its monitor holds a stdin for attached clients ({@link HeldStdin}).
   */
  record Launch(String containerId, String monitorId, RuntimeBinary runtime, Path dir, Path socketDir,
      boolean terminal, boolean stdin, HeldStdin heldStdin, Optional<CriLog> criLog, Optional<Path> execSpec) {}

  /** Where the monitor logs the process's output, and the size past which it starts the file again (0: none). */
  record CriLog(Path file, long maxBytes) {}

  /** A stdin the monitor holds for attached clients when no client's stdin was given at create. */
  enum HeldStdin {
    /** No stdin for attached clients. */
    NONE,
    /** Docker's and the CRI's stdin_once: the first attached client ending its input closes the process's stdin. */
    UNTIL_FIRST_CLIENT_ENDS,
    /** Docker's {@code -i} without a client: stdin stays open when a client goes, for the next attach. */
    OPEN
  }

  /**
   * A launched process: its pid and its monitor's. An exec's sync pipe stays open until the
   * exec ends, since the monitor reports the exit status there too and must not meet a closed pipe.
   */
  record Monitor(int pid, int monitorPid, Optional<Pipe> syncPipe) {}

  /** The step between "attach socket ready" and "run the process", so no output is lost. */
  @FunctionalInterface
  interface AttachStep {
    void attached() throws IOException;
  }

  /**
   * The runtime binary for runtime {@code name} with {@code options}, keeping its state under
   * {@code root}; NOT_FOUND for an unknown runtime, INVALID_ARGUMENT for a malformed name,
   * FAILED_PRECONDITION for one that cannot run on this host.
   */
  RuntimeBinary resolve(String name, Optional<Any> options, Path root);

  /** Creates the container of the bundle in {@code launch.dir()}; returns once its init process waits for start. */
  Monitor create(Launch launch) throws IOException;

  /** Runs {@code launch.execSpec()} in the running container; {@code attach} runs before the process does. */
  Monitor exec(Launch launch, AttachStep attach) throws IOException;

  /** Starts the created container {@code id}, whose init process is {@code pid}. */
  void start(RuntimeBinary runtime, String id, int pid);

  /** Signals the init process, or with {@code all} every process; NOT_FOUND when none runs any more. */
  void kill(RuntimeBinary runtime, String id, int signal, boolean all);

  /** Signals one process of a container; NOT_FOUND when it has ended. */
  void signal(int pid, int signal);

  void pause(RuntimeBinary runtime, String id);

  void resume(RuntimeBinary runtime, String id);

  /** Applies {@code resources} (the spec's linux.resources as JSON) to the running container. */
  void update(RuntimeBinary runtime, String id, byte[] resources);

  /** The runtime's word for the container (created, running, paused, stopped), or "" when it knows none. */
  String state(RuntimeBinary runtime, String id);

  /**
   * Whether the container was created and not yet started, read from the runtime's state
   * directory; empty when only asking the runtime ({@link #state}) can tell.
   */
  default Optional<Boolean> awaitsStart(RuntimeBinary runtime, String id) {
    return Optional.empty();
  }

  /** Deletes the runtime's record of the container, killing it first; a missing one is fine. */
  void delete(RuntimeBinary runtime, String id);

  /**
   * Deletes the runtime's record of a container whose init process has ended ({@code bundle}
   * holds its config.json): a runtime may know a quicker way than its delete command.
   */
  default void deleteStopped(RuntimeBinary runtime, String id, Path bundle) {
    delete(runtime, id);
  }

  /** The cgroup directories, by controller, the runtime made for the container whose init process is {@code pid}. */
  Map<String, Path> cgroups(int pid) throws IOException;

  /** Whether the monitor {@code monitorPid} still watches its process; a restarted berthd asks, since the monitor is no child of it. */
  boolean isMonitorRunning(int monitorPid);

  /** Waits briefly for a process's monitor to end once the process has, ending it when it does not. */
  void awaitMonitorGone(int monitorPid);

  /** Resizes the terminal of the process whose directory is {@code dir}; FAILED_PRECONDITION when it cannot be. */
  void resize(Path dir, int width, int height);

  /**
   * Has the monitor of the process whose directory is {@code dir} reopen its log file, a new file
   * at {@code log}; FAILED_PRECONDITION when it cannot.
   */
  void reopenLog(Path dir, Path log);
}
