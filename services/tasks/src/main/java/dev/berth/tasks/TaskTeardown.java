package dev.berth.tasks;

import dev.berth.common.fs.FileTrees;
import dev.berth.tasks.cgroups.CgroupRemoval;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.runtime.TaskRuntime;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import javax.inject.Inject;

/**
 * Takes down what a task left on the host: relays, watches, monitors, attach links, rootfs
 * mounts, cgroups and the bundle. Tolerates any of them being absent, so the same steps clean up
 * a deleted task, a Create that failed half-way, and leftovers found at start.
 */
final class TaskTeardown {
  private static final Logger LOG = Logger.getLogger(TaskTeardown.class.getName());
  private static final long OUTPUT_DRAIN_MILLIS = 2000;
  /**
   * Teardown that no caller waits for (ending detached rootfs mounts, deleting discarded
   * bundles), one at a time; a daemon thread: what it leaves, the next berthd finishes.
   */
  private static final Executor AFTERWARDS = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "berth-task-afterwards");
    t.setDaemon(true);
    return t;
  });

  private final TaskLayout layout;
  private final TaskRuntime runtime;
  private final ExitTracking tracking;

  @Inject
  TaskTeardown(TaskLayout layout, TaskRuntime runtime, ExitTracking tracking) {
    this.layout = layout;
    this.runtime = runtime;
    this.tracking = tracking;
  }

  /** Lets the output drain, then releases everything berthd holds for {@code p} and waits for its monitor to end. */
  void releaseProcess(TaskProcess p) {
    p.takeRelay().ifPresent(relay -> {
      try {
        relay.finished().get(OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        LOG.warning(p.who() + ": output not drained in time; closing it");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      relay.stop();
    });
    tracking.untrack(p);
    p.closeSyncPipe();
    ProcessRecord record = p.record();
    runtime.awaitMonitorGone(record.conmonPid());
    deleteQuietly(layout.socketDir().resolve(record.monitorId()));
  }

  /** Stops relaying without waiting (berthd shutting down); the process and its conmon go on. */
  void detachProcess(TaskProcess p) {
    p.takeRelay().ifPresent(AttachRelay::stop);
    tracking.untrack(p);
  }

  /**
   * Unmounts the rootfs and a shareable /dev/shm ({@link SharedShm}), removes the cgroups the
   * runtime left and deletes the bundle. The bundle stays when either cannot be unmounted:
   * deleting through a mount would destroy the image or what the containers sharing it hold.
   * The bundle is moved to the state directory's trash and deleted there afterwards: a dozen
   * unlinks cost 5 to 20 ms on a disk other writers keep busy, one rename a fraction of that.
   */
  void removeBundle(Path bundle, Collection<Path> cgroups) throws IOException {
    Path rootfs = bundle.resolve("rootfs");
    boolean rootfsUnmounted = RootfsMounts.unmountAll(rootfs, AFTERWARDS);
    // whatever became of the rootfs: the container's processes are gone, and a shared /dev/shm
    // left mounted would hold its memory until the host restarts
    boolean shmUnmounted = SharedShm.unmount(bundle, AFTERWARDS);
    if (!rootfsUnmounted) {
      throw new IOException("rootfs " + rootfs + " is still mounted; leaving the bundle in place");
    }
    if (!shmUnmounted) {
      throw new IOException("the shareable /dev/shm in " + bundle + " is still mounted; leaving the bundle in place");
    }
    for (Path cgroup : cgroups) {
      CgroupRemoval.remove(cgroup);
    }
    if (!Files.exists(bundle)) {
      return;
    }
    Path discarded = layout.trash().resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(layout.trash());
      Files.move(bundle, discarded, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(bundle);
      return;
    }
    AFTERWARDS.execute(() -> deleteDiscarded(discarded));
  }

  /** Deletes, in the background, what earlier berthds left in the trash. */
  void emptyTrash() {
    AFTERWARDS.execute(() -> {
      try (DirectoryStream<Path> left = Files.newDirectoryStream(layout.trash())) {
        left.forEach(TaskTeardown::deleteDiscarded);
      } catch (NoSuchFileException e) {
        // no trash yet
      } catch (IOException e) {
        LOG.warning("cannot empty " + layout.trash() + ": " + e.getMessage());
      }
    });
  }

  /** Waits, at most {@code millis}, for the background teardown queued so far (berthd stopping). */
  void finishAfterwards(long millis) {
    try {
      CompletableFuture.runAsync(() -> { }, AFTERWARDS).get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warning("background teardown not finished; the next berthd completes it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteDiscarded(Path discarded) {
    try {
      deleteTree(discarded);
    } catch (IOException e) {
      LOG.warning("cannot delete " + discarded + ": " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warning("cannot remove " + p + ": " + e.getMessage());
    }
  }

  /** Deletes a directory tree without following symlinks and without entering mount points. */
  static void deleteTree(Path dir) throws IOException {
    FileTrees.deleteRecursively(dir, RootfsMounts::isMountPoint);
  }
}
