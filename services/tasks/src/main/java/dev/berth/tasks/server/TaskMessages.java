package dev.berth.tasks.server;

import dev.berth.common.time.EpochNanos;
import containerd.runc.v1.ProcessDetails;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.types.Metric;
import containerd.v1.types.Process;
import containerd.v1.types.ProcessInfo;
import containerd.v1.types.Status;
import dev.berth.api.grpc.Errors;
import dev.berth.common.events.TypeUrls;
import dev.berth.tasks.ExecSpec;
import dev.berth.tasks.ProcessPid;
import dev.berth.tasks.ProcessState;
import dev.berth.tasks.TaskDeletion;
import dev.berth.tasks.TaskMetric;
import dev.berth.tasks.TaskSpec;
import dev.berth.tasks.io.ProcessIo;
import java.util.Optional;

/** containerd's task messages to and from the tasks domain's types. */
final class TaskMessages {
  private TaskMessages() {}

  /** UNIMPLEMENTED for a restore from a checkpoint; INVALID_ARGUMENT for stdio Berth does not serve. */
  static TaskSpec spec(CreateTaskRequest request) {
    if (request.hasCheckpoint() && !request.getCheckpoint().getDigest().isEmpty()) {
      throw Errors.unimplemented("restoring from a checkpoint is not supported");
    }
    return new TaskSpec(request.getContainerId(),
        new ProcessIo(request.getStdin(), request.getStdout(), request.getStderr(), request.getTerminal()),
        request.getRootfsList(), request.hasOptions() ? Optional.of(request.getOptions()) : Optional.empty());
  }

  static ExecSpec spec(ExecProcessRequest request) {
    return new ExecSpec(request.getExecId(),
        new ProcessIo(request.getStdin(), request.getStdout(), request.getStderr(), request.getTerminal()),
        request.getSpec());
  }

  static Process process(ProcessState p) {
    Process.Builder b = Process.newBuilder()
        .setContainerId(p.containerId())
        .setId(p.id())
        .setPid(p.pid())
        .setStatus(status(p))
        .setStdin(p.io().stdin())
        .setStdout(p.io().stdout())
        .setStderr(p.io().stderr())
        .setTerminal(p.io().terminal());
    p.exit().ifPresent(e -> b.setExitStatus(e.status()).setExitedAt(EpochNanos.toTimestamp(e.at())));
    return b.build();
  }

  private static Status status(ProcessState p) {
    return switch (p.status()) {
      case CREATED -> Status.CREATED;
      case RUNNING -> Status.RUNNING;
      case PAUSING -> Status.PAUSING;
      case PAUSED -> Status.PAUSED;
      case STOPPED -> Status.STOPPED;
    };
  }

  static DeleteResponse deleted(TaskDeletion d) {
    return DeleteResponse.newBuilder().setId(d.id()).setPid(d.pid()).setExitStatus(d.exit().status())
        .setExitedAt(EpochNanos.toTimestamp(d.exit().at())).build();
  }

  /** Exec processes carry runc's process details, as ctr task ps shows them. */
  static ProcessInfo info(ProcessPid p) {
    ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(p.pid());
    p.execId().ifPresent(id -> info.setInfo(TypeUrls.pack(ProcessDetails.newBuilder().setExecId(id).build())));
    return info.build();
  }

  static Metric metric(TaskMetric m) {
    return Metric.newBuilder().setTimestamp(EpochNanos.toTimestamp(m.at())).setId(m.id()).setData(m.data()).build();
  }
}
