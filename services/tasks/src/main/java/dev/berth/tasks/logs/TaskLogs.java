package dev.berth.tasks.logs;

/** Finds the log of a container's tasks; what the Logs service needs from the task manager. */
public interface TaskLogs {
  /**
   * The log of container {@code id}'s tasks in {@code namespace}, with or without a task now;
   * NOT_FOUND when the container is unknown or has no log (no task ever ran).
   */
  TaskLog log(String namespace, String id);

  /**
   * Has the monitor of the container's running init process open its log file again;
   * NOT_FOUND for an unknown container, FAILED_PRECONDITION when it does not run.
   */
  void reopen(String namespace, String id);
}
