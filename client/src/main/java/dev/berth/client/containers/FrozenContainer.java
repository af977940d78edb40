package dev.berth.client.containers;

import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import io.grpc.Channel;

/**
 * A running container's processes kept frozen (the Tasks API's Pause, the cgroup freezer) while
 * the host works in its root, as {@code cp} and {@code export} do through /proc/PID/root. Left
 * running, a process could swap a directory on the path for a symlink to {@code /} between the
 * path's resolving and its use, and the host, following that link, would write or read its own
 * files (CVE-2018-15664). A container paused before stays paused; a stopped one has nothing to freeze.
 */
public final class FrozenContainer implements AutoCloseable {
  private final TasksGrpc.TasksBlockingStub tasks;
  private final String id;
  private final boolean thaw;
  /** Thaws the container if the copy is ended by a signal (Ctrl-C, SIGTERM), which skips {@link #close}. */
  private final Thread thawAtExit = new Thread(this::thawIgnoringFailure, "thaw-at-exit");

  private FrozenContainer(TasksGrpc.TasksBlockingStub tasks, String id, boolean thaw) {
    this.tasks = tasks;
    this.id = id;
    this.thaw = thaw;
  }

  /** Freezes {@code s} if it runs and is not paused already. */
  public static FrozenContainer of(Channel channel, ContainerState s) {
    FrozenContainer frozen = new FrozenContainer(TasksGrpc.newBlockingStub(channel), s.id(), s.running() && !s.paused());
    if (frozen.thaw) {
      Runtime.getRuntime().addShutdownHook(frozen.thawAtExit);
      try {
        frozen.tasks.pause(PauseTaskRequest.newBuilder().setContainerId(s.id()).build());
      } catch (RuntimeException e) {
        Runtime.getRuntime().removeShutdownHook(frozen.thawAtExit);
        throw e;
      }
    }
    return frozen;
  }

  /** Lets the processes run again, unless they were paused before. */
  @Override
  public void close() {
    if (!thaw) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(thawAtExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook thaws it
      return;
    }
    tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(id).build());
  }

  private void thawIgnoringFailure() {
    try {
      tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(id).build());
    } catch (RuntimeException e) {
      // exiting: nowhere left to report it; the container is as pause left it, and unpause thaws it
    }
  }
}
