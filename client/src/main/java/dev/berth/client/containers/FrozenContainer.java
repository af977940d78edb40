package dev.berth.client.containers;

import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * A running container's processes kept frozen (the Tasks API's Pause, the cgroup freezer) while
 * the host works in its root, as {@code cp} and {@code export} do through /proc/PID/root. Left
 * running, a process could swap a directory on the path for a symlink to {@code /} between the
 * path's resolving and its use, and the host, following that link, would write or read its own
 * files (CVE-2018-15664). A container paused before, by a user or by another copy, stays paused; a
 * stopped one has nothing to freeze.
 */
public final class FrozenContainer implements AutoCloseable {
  /** How long another client's pause under way is waited for: the freezer takes milliseconds. */
  private static final long SETTLE_MILLIS = 10_000;
  private final TasksGrpc.TasksBlockingStub tasks;
  private final String id;
  private boolean thaw;
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
        frozen.thaw = frozen.pause();
      } catch (RuntimeException e) {
        Runtime.getRuntime().removeShutdownHook(frozen.thawAtExit);
        throw e;
      }
      if (!frozen.thaw) {
        Runtime.getRuntime().removeShutdownHook(frozen.thawAtExit);
      }
    } else if (s.paused()) {
      frozen.awaitPaused();
    }
    return frozen;
  }

  /**
   * Pauses the task; false when another client (a user's pause, another copy) paused it first,
   * which leaves the thawing to that client. A pause under way for another client is waited for,
   * so that the copy starts on frozen processes.
   */
  private boolean pause() {
    long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
    while (true) {
      try {
        tasks.pause(PauseTaskRequest.newBuilder().setContainerId(id).build());
        return true;
      } catch (StatusRuntimeException refused) {
        if (refused.getStatus().getCode() != io.grpc.Status.Code.FAILED_PRECONDITION) {
          throw refused;
        }
        Optional<Status> now = status();
        if (now.equals(Optional.of(Status.PAUSED))) {
          return false;
        }
        // pausing for another client, or running again after its pause failed or a resume: ask again
        boolean passing = now.equals(Optional.of(Status.PAUSING)) || now.equals(Optional.of(Status.RUNNING));
        if (!passing || System.currentTimeMillis() > deadline) {
          throw refused;
        }
        sleepBriefly();
      }
    }
  }

  /** Waits for a pause under way for another client to end (so the copy starts on frozen processes). */
  private void awaitPaused() {
    long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
    while (status().equals(Optional.of(Status.PAUSING)) && System.currentTimeMillis() < deadline) {
      sleepBriefly();
    }
  }

  private Optional<Status> status() {
    return ContainerState.task(tasks.getChannel(), id).map(Process::getStatus);
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while another client pauses the container", e);
    }
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
      // the JVM is exiting and its hook thaws it too, but may find the channel closed after this
      // returns: a second resume is refused harmlessly, so thaw it here as well
      thawIgnoringFailure();
      return;
    }
    resume();
  }

  /**
   * Resumes the task. Refused because it runs already (a user's unpause meanwhile) or is no longer
   * there (it ended, or was removed): nothing is left to thaw, which is no failure of the copy.
   */
  private void resume() {
    try {
      tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(id).build());
    } catch (StatusRuntimeException refused) {
      io.grpc.Status.Code code = refused.getStatus().getCode();
      if (code != io.grpc.Status.Code.FAILED_PRECONDITION && code != io.grpc.Status.Code.NOT_FOUND) {
        throw refused;
      }
    }
  }

  private void thawIgnoringFailure() {
    try {
      resume();
    } catch (RuntimeException e) {
      // exiting: nowhere left to report it; the container is as pause left it, and unpause thaws it
    }
  }
}
