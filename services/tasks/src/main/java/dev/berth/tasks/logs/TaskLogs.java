package dev.berth.tasks.logs;

/** Finds the log of a container's task; what the Logs service needs from the task manager. */
@FunctionalInterface
public interface TaskLogs {
  /**
   * The log of container {@code id}'s task in {@code namespace}, running or stopped; NOT_FOUND
   * when the container is unknown or has no task (never had one, or its task was deleted).
   */
  TaskLog log(String namespace, String id);
}
