package dev.berth.tasks;

import dev.berth.api.grpc.BerthException;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.tasks.runtime.TaskRuntime;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.inject.Inject;
import dev.berth.api.labels.ContainerLabels;

/**
 * Turns conmon's exit and oom files into process state and /tasks/exit and /tasks/oom events.
 * The exit file holds the status; its modification time is when the process ended, which stays
 * true for processes that ended while berthd was down. An OOM kill is also kept as a label on
 * the container's record ({@link ContainerLabels#OOM_KILLED}), since the event passes and the task's
 * cgroup goes with the task. conmon writes the oom file when the kill happens and the exit file
 * only once the process has ended and its output drained, and both are handled here in the
 * order they appear, so the label is there before anyone learns of the exit. When the init of a
 * task in a {@link SharedPidNamespace} ends, the task's other processes are killed before the exit
 * is made known, as containerd's shim does; when any task's init ends, a shared /dev/shm in its
 * bundle is unmounted before the exit is made known ({@link SharedShm#unmountAtExit}).
 */
final class ExitTracking {
  private static final Logger LOG = Logger.getLogger(ExitTracking.class.getName());
  /** How long an exit waits for the process's last output to reach a client that does not read it. */
  private static final long OUTPUT_DELIVERY_MILLIS = 2000;
  /** An exit seen this soon after conmon wrote it is dated when it was seen (see {@link #read}). */
  private static final Duration PROMPT = Duration.ofSeconds(1);
  private static final int SIGKILL = 9;
  /** Beside conmon's exit file: the time the exit was dated when it was first read. */
  static final String EXITED_AT_FILE = "exited-at";

  private final ExitWatcher watcher;
  private final TaskEvents events;
  private final ContainerLookup containers;
  private final TaskRuntime runtime;

  @Inject
  ExitTracking(ExitWatcher watcher, TaskEvents events, ContainerLookup containers, TaskRuntime runtime) {
    this.watcher = watcher;
    this.events = events;
    this.containers = containers;
    this.runtime = runtime;
  }

  /** Starts watching {@code p}'s persist directory; an exit already written is taken at once. */
  void track(Task t, TaskProcess p) throws IOException {
    Files.createDirectories(p.persistDir());
    p.watchedBy(watcher.watch(p.persistDir(), new ExitWatcher.Listener() {
      @Override
      public void exitFileAppeared() {
        exited(t, p);
      }

      @Override
      public void oomFileAppeared() {
        if (p.isInit()) {
          oom(t, p);
        }
      }
    }));
  }

  void untrack(TaskProcess p) {
    watcher.cancel(p.takeWatchKey());
  }

  private void exited(Task t, TaskProcess p) {
    Exit exit;
    try {
      exit = read(p.persistDir().resolve(ExitWatcher.EXIT_FILE));
    } catch (IOException | NumberFormatException e) {
      LOG.warning(p.who() + ": unreadable exit file: " + e.getMessage());
      return;
    }
    if (p.isInit() && SharedPidNamespace.in(t.bundle)) {
      killOthers(t);
    }
    if (p.isInit()) {
      SharedShm.unmountAtExit(t);
    }
    // conmon sends a process's last output before it records the exit: the exit is made known
    // once that output was written to the client's FIFOs (or after a while, for FIFOs nobody
    // empties), so a client that stops copying at the exit (ctr run --rm) misses none; containerd's
    // shim publishes the exit at once and waits for the output in the task's Delete instead
    CompletableFuture<Void> delivered = p.relay()
        .map(r -> r.finished().copy().completeOnTimeout(null, OUTPUT_DELIVERY_MILLIS, TimeUnit.MILLISECONDS))
        .orElse(CompletableFuture.completedFuture(null));
    delivered.thenRun(() -> {
      if (p.markExited(exit, () -> events.exited(t, p, exit))) {
        LOG.fine(() -> p.who() + " exited with " + exit.status());
      }
    }).exceptionally(e -> {
      LOG.log(Level.WARNING, p.who() + ": recording its exit failed", e);
      return null;
    });
  }

  /** The processes left in the task's cgroup, which nothing else ends in a shared PID namespace. */
  private void killOthers(Task t) {
    try {
      runtime.kill(t.runtime, t.id, SIGKILL, true);
    } catch (RuntimeException e) {
      if (e instanceof BerthException b && b.code() == Status.Code.NOT_FOUND) {
        return;
      }
      LOG.warning(t.who() + ": cannot kill the processes left after its init ended: " + e.getMessage());
    }
  }

  /** conmon creates the oom file once per OOM kill it sees; removing it lets the next one be noticed. */
  private void oom(Task t, TaskProcess p) {
    try {
      if (Files.deleteIfExists(p.persistDir().resolve(ExitWatcher.OOM_FILE))) {
        LOG.info(t.who() + ": out of memory");
        recordOomKill(t);
        events.oom(t);
      }
    } catch (IOException e) {
      LOG.warning(t.who() + ": cannot remove oom file: " + e.getMessage());
    }
  }

  private void recordOomKill(Task t) {
    try {
      containers.setLabel(t.namespace, t.id, ContainerLabels.OOM_KILLED, ContainerLabels.TRUE);
    } catch (RuntimeException e) {
      // the record may be gone already: nothing is left to show the kill on
      LOG.warning(t.who() + ": cannot record the OOM kill on the container: " + e.getMessage());
    }
  }

  /**
   * The exit conmon wrote. Its time is the file's, unless the exit is seen within {@link #PROMPT}
   * of it: then it is the time it was seen. The file system dates files by a coarse clock, a tick
   * (up to a few milliseconds) behind the real time, so a process that ended at once could be
   * dated before a start time read from the real clock. The time taken is recorded beside the
   * exit file ({@link #EXITED_AT_FILE}) and read from there later: a berthd that restarts dates
   * the exit as before, not by the file's coarser time.
   */
  static Exit read(Path exitFile) throws IOException {
    int status = Integer.parseInt(Files.readString(exitFile).trim());
    return new Exit(status < 0 ? 255 : status, exitTime(exitFile));
  }

  private static Instant exitTime(Path exitFile) throws IOException {
    Path recorded = exitFile.resolveSibling(EXITED_AT_FILE);
    try {
      return Instant.parse(Files.readString(recorded).strip());
    } catch (NoSuchFileException e) {
      // read for the first time
    } catch (DateTimeParseException e) {
      LOG.warning(recorded + ": not a time, dating the exit again: " + e.getMessage());
    }
    Instant written = Files.getLastModifiedTime(exitFile).toInstant();
    Instant seen = Instant.now();
    Instant at = Duration.between(written, seen).compareTo(PROMPT) < 0 ? seen : written;
    // no fsync: the persist directory lasts as long as the boot, as ProcessRecord's
    Path temp = recorded.resolveSibling("." + EXITED_AT_FILE + ".tmp");
    Files.writeString(temp, at.toString());
    Files.move(temp, recorded, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return at;
  }
}
