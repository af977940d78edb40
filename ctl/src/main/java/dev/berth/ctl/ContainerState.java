package dev.berth.ctl;

import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A container as docker shows one: its record and its task, if it has one. Without a task it is
 * "created"; a task that ended stays until the container is started again or removed, so its exit
 * status and time are there to show.
 */
record ContainerState(Container record, Optional<Process> task) {
  /** The record with its task, asked for by id. */
  static ContainerState of(Channel channel, Container record) {
    return new ContainerState(record, task(channel, record.getId()));
  }

  static Optional<Process> task(Channel channel, String id) {
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

  String id() {
    return record.getId();
  }

  String name() {
    return ContainerArgument.name(record);
  }

  /** docker's State.Status: created, running, paused or exited (dead when berthd cannot tell). */
  String status() {
    if (task.isEmpty()) {
      return "created";
    }
    return switch (task.get().getStatus()) {
      case CREATED -> "created";
      case RUNNING -> "running";
      case PAUSED, PAUSING -> "paused";
      case STOPPED -> "exited";
      default -> "dead";
    };
  }

  /** Running in docker's sense: a process is there, paused or not. */
  boolean running() {
    return task.isPresent() && (task.get().getStatus() == Status.RUNNING || task.get().getStatus() == Status.PAUSED
        || task.get().getStatus() == Status.PAUSING);
  }

  boolean paused() {
    return task.isPresent() && (task.get().getStatus() == Status.PAUSED || task.get().getStatus() == Status.PAUSING);
  }

  boolean exited() {
    return task.isPresent() && task.get().getStatus() == Status.STOPPED;
  }

  int pid() {
    return running() ? task.get().getPid() : 0;
  }

  int exitCode() {
    return exited() ? task.get().getExitStatus() : 0;
  }

  Optional<Instant> startedAt() {
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

  Optional<Instant> finishedAt() {
    return exited() && task.get().hasExitedAt() ? Optional.of(Output.instant(task.get().getExitedAt()))
        : Optional.empty();
  }

  Instant createdAt() {
    return Output.instant(record.getCreatedAt());
  }

  /** docker ps's STATUS: "Up 3 minutes", "Up 2 hours (Paused)", "Exited (3) 2 seconds ago", "Created". */
  String statusText(Instant now) {
    if (running()) {
      String up = startedAt().map(s -> "Up " + Durations.human(java.time.Duration.between(s, now))).orElse("Up");
      return paused() ? up + " (Paused)" : up;
    }
    if (exited()) {
      return "Exited (" + exitCode() + ")" + finishedAt().map(f -> " " + Durations.ago(f, now)).orElse("");
    }
    return "Created";
  }
}
