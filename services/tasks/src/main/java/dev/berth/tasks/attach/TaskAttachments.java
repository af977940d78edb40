package dev.berth.tasks.attach;

/** Finds where a client joins a running process's stdio; what the Attach service needs from the task manager. */
@FunctionalInterface
public interface TaskAttachments {
  /**
   * The attach point of the init process ({@code execId} empty) or an exec of container
   * {@code id}'s task in {@code namespace}. NOT_FOUND for an unknown task or exec;
   * FAILED_PRECONDITION when the process is paused or has stopped. A created process may be
   * joined before it is started, so that none of its output is missed.
   */
  AttachPoint attachPoint(String namespace, String id, String execId);
}
