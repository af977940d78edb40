package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.tasks.logs.LogRotator;
import dev.berth.tasks.runtime.TaskRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Rotates the log of each running task whose container keeps more than one log file (docker's
 * {@code max-file}), from its create, or its recovery by a later berthd, to its init process's
 * end: its monitor is told to open a new log the way the CRI's ReopenContainerLog tells it.
 */
@Singleton
final class LogRotation implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LogRotation.class.getName());
  /** A compression of hundreds of megabytes takes seconds here. */
  private static final Duration COMPRESSION_WAIT = Duration.ofSeconds(30);

  private final TaskLayout layout;
  private final ContainerLookup containers;
  private final TaskRuntime runtime;
  private final LogRotator rotator = new LogRotator();

  @Inject
  LogRotation(TaskLayout layout, ContainerLookup containers, TaskRuntime runtime) {
    this.layout = layout;
    this.containers = containers;
    this.runtime = runtime;
  }

  /** Rotates {@code t}'s log until its init process ends, if its container asks for rotation. */
  void follow(Task t) {
    try {
      Container container = containers.get(t.namespace, t.id);
      LogLimits limits = LogLimits.of(container);
      if (!limits.rotatedByBerthd()) {
        return;
      }
      Path log = layout.log(t.namespace, container);
      rotator.rotate(log, limits.maxBytes(), limits.maxFiles(), limits.compress(), () -> runtime.reopenLog(t.init.dir, log),
          t.init.exited());
    } catch (IOException | RuntimeException e) {
      LOG.warning(t.who() + ": its log is not rotated, it grows past its max-size: " + e.getMessage());
    }
  }

  /**
   * Waits a while for a compression of {@code log}'s older files under way: they are about to be
   * removed, and a gzipped copy must not land after them.
   */
  void awaitCompression(Path log) {
    try {
      rotator.awaitCompression(log, COMPRESSION_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      rotator.close();
    } catch (IOException e) {
      LOG.warning("closing log rotation: " + e.getMessage());
    }
  }
}
