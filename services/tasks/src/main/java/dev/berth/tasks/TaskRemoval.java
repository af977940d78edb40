package dev.berth.tasks;

import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.TaskRuntime;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The part of Delete that waits: the runtime's delete (which kills a created task), the exit,
 * then the teardown of the monitors, network attachment, rootfs, cgroups and bundle. It runs on
 * threads of its own, so no call thread waits for an exit or for output to drain.
 */
@Singleton
final class TaskRemoval implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TaskRemoval.class.getName());
  /** How long to wait for the exit of a process the runtime was told to kill. */
  private static final long EXIT_WAIT_SECONDS = 10;

  private final TaskRuntime runtime;
  private final TaskTeardown teardown;
  private final ContainerNetworking networking;
  private final TaskEvents events;
  private final EndpointRelease endpoints;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-task-removal");
    t.setDaemon(true);
    return t;
  });

  @Inject
  TaskRemoval(TaskRuntime runtime, TaskTeardown teardown, ContainerNetworking networking, TaskEvents events,
      EndpointRelease endpoints) {
    this.endpoints = endpoints;
    this.runtime = runtime;
    this.teardown = teardown;
    this.networking = networking;
    this.events = events;
  }

  /** Removes a task no one can reach any more; completes with how its init process ended. */
  CompletableFuture<TaskDeletion> remove(Task t) {
    StepTimer timer = new StepTimer("delete " + t.who());
    return CompletableFuture.runAsync(() -> deleteInRuntime(t), threads)
        .thenCompose(deleted -> {
          timer.step("runtime delete");
          return t.init.exited().copy().orTimeout(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        })
        .exceptionally(e -> {
          Exit lost = new Exit(255, Instant.now());
          Throwable cause = e instanceof CompletionException ? e.getCause() : e;
          LOG.warning(t.who() + ": no exit status after delete" + (cause instanceof TimeoutException ? "" : ": " + cause));
          t.init.markExited(lost);
          return t.init.exit().orElse(lost);
        })
        .thenApplyAsync(exit -> tearDown(t, exit, timer), threads);
  }

  @Override
  public void close() {
    threads.shutdown();
  }

  private void deleteInRuntime(Task t) {
    try {
      if (t.init.exit().isPresent()) {
        runtime.deleteStopped(t.runtime, t.id, t.bundle);
      } else {
        runtime.delete(t.runtime, t.id);
      }
    } catch (RuntimeException e) {
      LOG.warning(t.who() + ": runtime delete failed: " + e.getMessage());
    }
  }

  private TaskDeletion tearDown(Task t, Exit exit, StepTimer timer) {
    List<TaskProcess> processes = t.execs();
    processes.add(t.init);
    timer.step("exit");
    for (TaskProcess p : processes) {
      teardown.releaseProcess(p);
      // an exec that never ran ends with the task; its waiters learn so
      p.markExited(new Exit(0, Instant.EPOCH));
    }
    timer.step("monitors");
    // the release the exit started comes first: a detach after it could hit the next task's endpoint
    endpoints.await(t);
    if (Files.exists(t.bundle.resolve(TaskLayout.NETWORK_FILE))) {
      try {
        networking.detach(t.namespace, t.id);
      } catch (StatusRuntimeException e) {
        // the attachment is replaced when the container's next task is created
        LOG.warning(t.who() + ": cannot detach it from its network: " + e.getStatus());
      }
      timer.step("network");
    }
    try {
      teardown.removeBundle(t.bundle, t.cgroups.values());
    } catch (IOException e) {
      LOG.warning(t.who() + ": " + e.getMessage());
    }
    timer.step("rootfs+bundle");
    timer.done();
    events.deleted(t, exit);
    LOG.info("deleted " + t.who());
    return new TaskDeletion(t.id, t.init.pid(), exit);
  }
}
