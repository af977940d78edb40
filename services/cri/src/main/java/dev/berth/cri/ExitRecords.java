package dev.berth.cri;

import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.containers.ContainerClient;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

/**
 * A CRI container's end, kept on its record as containerd's CRI keeps it in its own store: once
 * the main process has exited, its exit code and time go into the record's labels and the task
 * is deleted. An exited container then holds no rootfs mount, cgroup or monitor while it waits
 * for the kubelet to remove it (a finished job's container may wait for hours), and removing it
 * is one record's deletion. The labels are written before the task goes, so a crash between the
 * two leaves the task, which the next collection deletes.
 */
final class ExitRecords {
  private static final Logger LOG = Logger.getLogger(ExitRecords.class.getName());

  private final ContainerClient records;
  private final TasksGrpc.TasksBlockingStub tasks;
  private final ConcurrentMap<String, CompletableFuture<Void>> keeping = new ConcurrentHashMap<>();

  ExitRecords(Channel api) {
    this.records = new ContainerClient(api);
    this.tasks = TasksGrpc.newBlockingStub(api);
  }

  /**
   * Keeps the exit of container {@code id}'s main process and deletes its ended task; one gone
   * already is left be. A StopContainer and the exit's event ask at once: the second waits for
   * the first, so that neither answers before the task is gone nor writes the labels twice.
   */
  void keep(String id, int exitStatus, Instant exitedAt) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> first = keeping.putIfAbsent(id, mine);
    if (first != null) {
      try {
        first.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      return;
    }
    try {
      write(id, exitStatus, exitedAt);
      mine.complete(null);
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      keeping.remove(id, mine);
    }
  }

  private void write(String id, int exitStatus, Instant exitedAt) {
    try {
      records.updateLabels(id, Map.of(CriRecords.EXIT_CODE, Integer.toString(exitStatus),
          CriRecords.FINISHED_AT, exitedAt.toString()));
      tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
      LOG.fine(() -> "container " + id + " in namespace " + CriServices.NAMESPACE + " exited with " + exitStatus
          + ": its task is deleted");
    } catch (StatusRuntimeException e) {
      // removed meanwhile, or its task deleted by another collection
      if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /** The ended task {@link #keep} recorded on {@code record}, as the Tasks API showed it; empty if none was. */
  static Optional<Process> recorded(Container record) {
    String code = record.getLabelsMap().get(CriRecords.EXIT_CODE);
    String at = record.getLabelsMap().get(CriRecords.FINISHED_AT);
    if (code == null || at == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Process.newBuilder().setContainerId(record.getId()).setId(record.getId())
          .setStatus(Status.STOPPED).setExitStatus(Integer.parseInt(code))
          .setExitedAt(ProtoTimes.toTimestamp(Instant.parse(at))).build());
    } catch (NumberFormatException | DateTimeParseException e) {
      LOG.warning("container " + record.getId() + " in namespace " + CriServices.NAMESPACE
          + " has an unreadable exit record (" + code + " at " + at + "): shown as created");
      return Optional.empty();
    }
  }
}
