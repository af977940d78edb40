package dev.berth.tasks;

import dev.berth.api.grpc.Errors;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.linux.Pipe;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One process of a task, the init process or an exec: the only holder of its status, record,
 * relay, watch and exit, changed through these methods under this object's lock. A change that
 * needs the runtime is three steps: {@link #begin} marks it under way (refusing a second one),
 * the caller runs the runtime without any lock, then {@link #commit} or {@link #abort} settles
 * it. An exit that arrives meanwhile wins: the process stays stopped.
 */
final class TaskProcess {
  /** A change under way, shown to clients as the status it starts from, PAUSING apart. */
  enum Change {
    STARTING,
    PAUSING,
    RESUMING,
    DELETING
  }

  final String execId;
  final Path dir;
  final ProcessIo io;
  private final String who;
  private ProcessRecord record;
  private ProcessStatus status;
  private Change change;
  private AttachRelay relay;
  private Optional<Pipe> syncPipe = Optional.empty();
  private WatchKey watchKey;
  private Exit exit;
  private Runnable heldExitEvent;
  private final CompletableFuture<Exit> exited = new CompletableFuture<>();

  TaskProcess(String who, String execId, Path dir, ProcessIo io, ProcessRecord record, ProcessStatus status) {
    this.who = who;
    this.execId = execId;
    this.dir = dir;
    this.io = io;
    this.record = record;
    this.status = status;
  }

  boolean isInit() {
    return execId.isEmpty();
  }

  String who() {
    return who;
  }

  Path persistDir() {
    return dir.resolve("persist");
  }

  synchronized int pid() {
    return record.pid();
  }

  synchronized ProcessRecord record() {
    return record;
  }

  synchronized ProcessStatus status() {
    return status;
  }

  /** The record once the runtime has launched the process (its pid, its monitor's). */
  synchronized void launched(ProcessRecord launched) {
    record = launched;
  }

  /** Whether it is {@code wanted} with no change under way. */
  synchronized boolean isSettledIn(ProcessStatus wanted) {
    return change == null && status == wanted;
  }

  /**
   * Marks {@code change} under way; FAILED_PRECONDITION ("cannot {@code what}: it is ...") when
   * the process is not in one of {@code from} or another change is under way.
   */
  synchronized void begin(Change change, Set<ProcessStatus> from, String what) {
    if (this.change != null) {
      throw Errors.failedPrecondition("cannot %s %s: it is %s", what, who, this.change.name().toLowerCase());
    }
    if (!from.contains(status)) {
      throw Errors.failedPrecondition("cannot %s %s: it is %s", what, who, status.name().toLowerCase());
    }
    this.change = change;
  }

  /**
   * Ends the change under way with the process now {@code reached} and its record {@code newRecord}
   * (or as it was, if null), {@code announce} running under the lock. A process that ended
   * meanwhile stays stopped, and only a start is still announced, before the exit it held back.
   */
  synchronized void commit(ProcessStatus reached, ProcessRecord newRecord, Runnable announce) {
    change = null;
    if (newRecord != null) {
      record = newRecord;
    }
    if (exit != null && heldExitEvent == null) {
      return;
    }
    announce.run();
    if (heldExitEvent != null) {
      heldExitEvent.run();
      heldExitEvent = null;
      return;
    }
    status = reached;
  }

  /** Gives up the change under way; the process is as it was (or stopped, if it ended meanwhile). */
  synchronized void abort() {
    change = null;
    if (heldExitEvent != null) {
      heldExitEvent.run();
      heldExitEvent = null;
    }
  }

  /**
   * Records the exit once; false when it was known already. {@code announce} runs under the
   * lock, held back while a start is under way so that the start's event goes out first.
   */
  boolean markExited(Exit e, Runnable announce) {
    synchronized (this) {
      if (exit != null) {
        return false;
      }
      exit = e;
      status = ProcessStatus.STOPPED;
      syncPipe.ifPresent(Pipe::close);
      syncPipe = Optional.empty();
      if (change == Change.STARTING) {
        heldExitEvent = announce;
      } else {
        announce.run();
      }
    }
    // outside the lock: waiters' callbacks must not run while it is held
    exited.complete(e);
    return true;
  }

  boolean markExited(Exit e) {
    return markExited(e, () -> { });
  }

  synchronized Optional<Exit> exit() {
    return Optional.ofNullable(exit);
  }

  CompletableFuture<Exit> exited() {
    return exited;
  }

  synchronized void attach(AttachRelay relay) {
    this.relay = relay;
  }

  synchronized Optional<AttachRelay> relay() {
    return Optional.ofNullable(relay);
  }

  /** Stops relaying from here on; the relay is returned for the caller to drain and stop. */
  synchronized Optional<AttachRelay> takeRelay() {
    AttachRelay r = relay;
    relay = null;
    return Optional.ofNullable(r);
  }

  synchronized void holdSyncPipe(Optional<Pipe> pipe) {
    if (exit != null) {
      pipe.ifPresent(Pipe::close);
    } else {
      syncPipe = pipe;
    }
  }

  synchronized void closeSyncPipe() {
    syncPipe.ifPresent(Pipe::close);
    syncPipe = Optional.empty();
  }

  synchronized void watchedBy(WatchKey key) {
    watchKey = key;
  }

  synchronized WatchKey takeWatchKey() {
    WatchKey key = watchKey;
    watchKey = null;
    return key;
  }

  synchronized ProcessState state(String containerId) {
    ProcessStatus shown = change == Change.PAUSING ? ProcessStatus.PAUSING : status;
    return new ProcessState(containerId, isInit() ? containerId : execId, record.pid(), shown, io, Optional.ofNullable(exit));
  }
}
