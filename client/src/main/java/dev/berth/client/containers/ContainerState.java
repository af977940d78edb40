package dev.berth.client.containers;

import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.RestartPolicy;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A container as docker shows one: its record and its task, if it has one. Without a task it is
 * "created"; a task that ended stays until the container is started again or removed, so its exit
 * status and time are there to show.
 */
public record ContainerState(Container record, Optional<Process> task) {
  /** The record with its task, asked for by id. */
  public static ContainerState of(Channel channel, Container record) {
    return new ContainerState(record, task(channel, record.getId()));
  }

  public static Optional<Process> task(Channel channel, String id) {
    try {
      return Optional.of(TasksGrpc.newBlockingStub(channel)
          .get(GetRequest.newBuilder().setContainerId(id).build()).getProcess());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public String id() {
    return record.getId();
  }

  public String name() {
    return name(record);
  }

  /** docker's State.Status: created, running, paused or exited (dead when berthd cannot tell). */
  public String status() {
    if (task.isEmpty()) {
      return restarting() ? "restarting" : "created";
    }
    return switch (task.get().getStatus()) {
      case CREATED -> restarting() ? "restarting" : "created";
      case RUNNING -> "running";
      case PAUSED, PAUSING -> "paused";
      case STOPPED -> restarting() ? "restarting" : "exited";
      default -> "dead";
    };
  }

  /** Running in docker's sense: a process is there, paused or not. */
  public boolean running() {
    return task.isPresent() && (task.get().getStatus() == Status.RUNNING || task.get().getStatus() == Status.PAUSED
        || task.get().getStatus() == Status.PAUSING);
  }

  public boolean paused() {
    return task.isPresent() && (task.get().getStatus() == Status.PAUSED || task.get().getStatus() == Status.PAUSING);
  }

  public boolean exited() {
    return task.isPresent() && task.get().getStatus() == Status.STOPPED;
  }

  /**
   * Ended, and its restart policy has berthd's restart monitor start it again (after its back-off):
   * docker's "restarting". Still {@link #exited()}, with the exit code of the task that ended; or
   * between two tasks, the ended one deleted and the next not started yet, which Docker never
   * shows as created.
   */
  public boolean restarting() {
    Map<String, String> labels = record.getLabelsMap();
    if (!exited()) {
      boolean betweenTasks = task.isEmpty() || task.get().getStatus() == Status.CREATED;
      return betweenTasks && !labels.getOrDefault(ContainerLabels.STARTED_AT, "").isEmpty()
          && ContainerLabels.RUNNING.equals(labels.get(ContainerLabels.RESTART_STATUS))
          && RestartPolicy.fromLabel(labels.get(ContainerLabels.RESTART_POLICY))
              .map(p -> p.mode() != RestartPolicy.Mode.NO).orElse(false);
    }
    return RestartPolicy.fromLabel(labels.get(ContainerLabels.RESTART_POLICY))
        .map(p -> p.wantsRestart(labels.getOrDefault(ContainerLabels.RESTART_STATUS, ""), exitCode(),
            RestartPolicy.restartCount(labels), false))
        .orElse(false);
  }

  public int pid() {
    return running() ? task.get().getPid() : 0;
  }

  public int exitCode() {
    return exited() ? task.get().getExitStatus() : 0;
  }

  public Optional<Instant> startedAt() {
    String at = record.getLabelsMap().get(ContainerLabels.STARTED_AT);
    if (at == null || task.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(at));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public Optional<Instant> finishedAt() {
    return exited() && task.get().hasExitedAt() ? Optional.of(ProtoTimes.toInstant(task.get().getExitedAt()))
        : Optional.empty();
  }

  public Instant createdAt() {
    return ProtoTimes.toInstant(record.getCreatedAt());
  }

  /** A record's name: its name label, or its id for records other clients (ctr) made. */
  public static String name(Container c) {
    String name = c.getLabelsMap().get(ContainerLabels.NAME);
    return name == null || name.isEmpty() ? c.getId() : name;
  }
}
