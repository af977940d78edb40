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
  /** Docker's exit code for a start that failed for another reason than the command (exitUnknown). */
  static final int EXIT_UNKNOWN = 128;

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
      return restarting() ? "restarting" : ranBefore() ? "exited" : "created";
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
          && ContainerLabels.RUNNING.equals(ContainerLabels.desiredStatus(labels))
          && RestartPolicy.fromLabel(labels.get(ContainerLabels.RESTART_POLICY))
              .map(p -> p.mode() != RestartPolicy.Mode.NO).orElse(false);
    }
    return RestartPolicy.fromLabel(labels.get(ContainerLabels.RESTART_POLICY))
        .map(p -> p.wantsRestart(ContainerLabels.desiredStatus(labels), exitCode(),
            RestartPolicy.restartCount(labels), false))
        .orElse(false);
  }

  /**
   * Docker's RestartCount: the restarts berthd's restart monitor made since a client last started
   * the container, and the one it waits to make, as Docker counts a restart once it decides on it
   * (an ended container waiting out its back-off shows it already).
   */
  public int restartCount() {
    return RestartPolicy.restartCount(record.getLabelsMap()) + (exited() && restarting() ? 1 : 0);
  }

  /**
   * Without a task since a start failed after an earlier one had ended: that end is on the
   * record ({@link ContainerLabels#LAST_FINISHED_AT}).
   */
  public boolean ranBefore() {
    return task.isEmpty() && !record.getLabelsMap().getOrDefault(ContainerLabels.LAST_FINISHED_AT, "").isEmpty();
  }

  /**
   * Whether a start of the container was ever made: it has a task, a start time or a start that
   * failed on its record. Docker's daemon sets up the container's networks at each start, and
   * what it set up then (an endpoint's DNS names) stays on the stopped container.
   */
  public boolean everStarted() {
    Map<String, String> labels = record.getLabelsMap();
    return task.isPresent() || !labels.getOrDefault(ContainerLabels.STARTED_AT, "").isEmpty()
        || !labels.getOrDefault(ContainerLabels.START_ERROR, "").isEmpty();
  }

  public int pid() {
    return running() ? task.get().getPid() : 0;
  }

  /**
   * The exit code of the task that ended; after a failed start (no task), Docker's: 127 or 126
   * when the runtime could not run the command, else the earlier task's if it was not 0, else 128.
   * After a restart by berthd's restart monitor that failed, the earlier task's, whatever it was:
   * Docker's daemon sets the container stopped with the exit status of the run that ended.
   */
  public int exitCode() {
    if (exited()) {
      return task.get().getExitStatus();
    }
    Map<String, String> labels = record.getLabelsMap();
    int before = ranBefore() || betweenRestartTasks() ? parseOr(labels.get(ContainerLabels.LAST_EXIT_CODE), 0) : 0;
    String startError = labels.getOrDefault(ContainerLabels.START_ERROR, "");
    if (startError.isEmpty()) {
      return before;
    }
    if (task.isPresent()) {
      return 0;
    }
    if (ContainerLabels.RESTART_FAILED.equals(ContainerLabels.desiredStatus(labels))) {
      return before;
    }
    return ContainerTasks.startExitCode(startError).orElse(before != 0 ? before : EXIT_UNKNOWN);
  }

  /**
   * Restarted by the restart monitor, the ended task deleted and the new one not running yet: the
   * ended task's exit is on the record.
   */
  private boolean betweenRestartTasks() {
    return !exited() && restarting();
  }

  private static int parseOr(String text, int otherwise) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  public Optional<Instant> startedAt() {
    return task.isPresent() || ranBefore() ? instant(ContainerLabels.STARTED_AT) : Optional.empty();
  }

  public Optional<Instant> finishedAt() {
    if (ranBefore() || betweenRestartTasks()) {
      return instant(ContainerLabels.LAST_FINISHED_AT);
    }
    return exited() && task.get().hasExitedAt() ? Optional.of(ProtoTimes.toInstant(task.get().getExitedAt()))
        : Optional.empty();
  }

  private Optional<Instant> instant(String label) {
    String at = record.getLabelsMap().get(label);
    if (at == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(at));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
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
