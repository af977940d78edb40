package dev.berth.tasks;

import dev.berth.api.filter.Filter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tasks of every namespace: a container's running instance, its init process and the exec
 * processes added to it. {@code execId} empty means the init process. A task or exec the
 * namespace does not hold is NOT_FOUND; an id that is no valid identifier is INVALID_ARGUMENT;
 * a call that does not fit the process's status (or a change of it under way) is
 * FAILED_PRECONDITION; the runtime failing is UNKNOWN with its message.
 */
public interface Tasks {
  /**
   * Creates the task of container {@code spec.containerId()}, its init process waiting for
   * start. NOT_FOUND for an unknown container, runtime or snapshot; ALREADY_EXISTS when the
   * container has a task (or one is being created); INVALID_ARGUMENT for a malformed spec or
   * rootfs mount.
   */
  ProcessState create(String namespace, TaskSpec spec);

  /** Starts the init process or a created exec; returns its pid. FAILED_PRECONDITION unless it is created (and the task running, for an exec). */
  int start(String namespace, String id, String execId);

  /** Adds an exec process to a running task; Start runs it. ALREADY_EXISTS for an exec id in use, FAILED_PRECONDITION unless the task runs. */
  void exec(String namespace, String id, ExecSpec spec);

  /**
   * Deletes a created or stopped task, killing a created one, with everything it holds on the
   * host; completes with how its init process ended. FAILED_PRECONDITION while it runs or is paused.
   */
  CompletableFuture<TaskDeletion> delete(String namespace, String id);

  /** Removes an ended (or never started) exec; returns how it ended. INVALID_ARGUMENT without an exec id, FAILED_PRECONDITION while it runs. */
  TaskDeletion deleteProcess(String namespace, String id, String execId);

  ProcessState get(String namespace, String id, String execId);

  /** The init processes of the namespace's tasks, by container id. */
  List<ProcessState> list(String namespace);

  /** Signals the init process (every process with {@code all}) or an exec; NOT_FOUND once it has ended or before an exec started. */
  void kill(String namespace, String id, String execId, int signal, boolean all);

  /** FAILED_PRECONDITION unless the task runs. */
  void pause(String namespace, String id);

  /** FAILED_PRECONDITION unless the task is paused. */
  void resume(String namespace, String id);

  /** The processes in the task's cgroup. */
  List<ProcessPid> pids(String namespace, String id);

  /** Applies new resources (the spec's linux.resources as JSON); INVALID_ARGUMENT when empty, FAILED_PRECONDITION once stopped. */
  void update(String namespace, String id, byte[] resources);

  /** cgroup statistics of the namespace's live tasks matching {@code filter} (field: id). */
  List<TaskMetric> metrics(String namespace, Filter filter);

  /** Completes when the process has ended (at once if it has); a created process may be waited for. */
  CompletableFuture<Exit> waitFor(String namespace, String id, String execId);

  /** Resizes the process's terminal; FAILED_PRECONDITION when it has none. A process that has ended is left alone. */
  void resizePty(String namespace, String id, String execId, int width, int height);

  /** Closes the process's stdin, so that it reads end of file. */
  void closeStdin(String namespace, String id, String execId);
}
