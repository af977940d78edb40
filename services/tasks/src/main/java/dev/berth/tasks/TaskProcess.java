package dev.berth.tasks;

import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.linux.Pipe;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One process of a task, the init process or an exec, as berthd tracks it: its directory, IO,
 * conmon, status and exit. Callers hold the owning {@link Task}'s lock to change it.
 */
final class TaskProcess {
  final String execId;
  final Path dir;
  final ProcessIo io;
  ProcessRecord record;
  Status status;
  AttachRelay relay;
  Optional<Pipe> syncPipe = Optional.empty();
  WatchKey watchKey;
  private Exit exit;
  private final CompletableFuture<Exit> exited = new CompletableFuture<>();

  TaskProcess(String execId, Path dir, ProcessIo io, ProcessRecord record, Status status) {
    this.execId = execId;
    this.dir = dir;
    this.io = io;
    this.record = record;
    this.status = status;
  }

  boolean isInit() {
    return execId.isEmpty();
  }

  int pid() {
    return record.pid();
  }

  Path persistDir() {
    return dir.resolve("persist");
  }

  /** Records the exit once; false when it was known already. */
  boolean markExited(Exit e) {
    if (exit != null) {
      return false;
    }
    exit = e;
    status = Status.STOPPED;
    syncPipe.ifPresent(Pipe::close);
    syncPipe = Optional.empty();
    exited.complete(e);
    return true;
  }

  Optional<Exit> exit() {
    return Optional.ofNullable(exit);
  }

  CompletableFuture<Exit> exited() {
    return exited;
  }

  Process toProto(String containerId) {
    Process.Builder p = Process.newBuilder()
        .setContainerId(containerId)
        .setId(isInit() ? containerId : execId)
        .setPid(record.pid())
        .setStatus(status)
        .setStdin(io.stdin())
        .setStdout(io.stdout())
        .setStderr(io.stderr())
        .setTerminal(io.terminal());
    if (exit != null) {
      p.setExitStatus(exit.status()).setExitedAt(EpochNanos.toTimestamp(exit.at()));
    }
    return p.build();
  }
}
