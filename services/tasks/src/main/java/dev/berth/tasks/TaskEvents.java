package dev.berth.tasks;

import containerd.events.TaskCreate;
import containerd.events.TaskDelete;
import containerd.events.TaskExecAdded;
import containerd.events.TaskExecStarted;
import containerd.events.TaskExit;
import containerd.events.TaskIO;
import containerd.events.TaskOOM;
import containerd.events.TaskPaused;
import containerd.events.TaskResumed;
import containerd.events.TaskStart;
import containerd.types.Mount;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.time.EpochNanos;
import java.util.List;
import javax.inject.Inject;

/** The /tasks/* events containerd publishes, with its payload messages. */
final class TaskEvents {
  private final EventPublisher events;

  @Inject
  TaskEvents(EventPublisher events) {
    this.events = events;
  }

  void created(Task t, List<Mount> rootfs) {
    TaskProcess p = t.init;
    events.publish(t.namespace, "/tasks/create", TaskCreate.newBuilder()
        .setContainerId(t.id)
        .setBundle(t.bundle.toString())
        .addAllRootfs(rootfs)
        .setIo(TaskIO.newBuilder().setStdin(p.io.stdin()).setStdout(p.io.stdout()).setStderr(p.io.stderr())
            .setTerminal(p.io.terminal()))
        .setPid(p.pid())
        .build());
  }

  void started(Task t) {
    events.publish(t.namespace, "/tasks/start", TaskStart.newBuilder().setContainerId(t.id).setPid(t.init.pid()).build());
  }

  void exited(Task t, TaskProcess p, Exit exit) {
    events.publish(t.namespace, "/tasks/exit", TaskExit.newBuilder()
        .setContainerId(t.id)
        .setId(p.isInit() ? t.id : p.execId)
        .setPid(p.pid())
        .setExitStatus(exit.status())
        .setExitedAt(EpochNanos.toTimestamp(exit.at()))
        .build());
  }

  void oom(Task t) {
    events.publish(t.namespace, "/tasks/oom", TaskOOM.newBuilder().setContainerId(t.id).build());
  }

  /** The task's delete; its id stays empty, as in containerd's, which names the container alone. */
  void deleted(Task t, Exit exit) {
    events.publish(t.namespace, "/tasks/delete", TaskDelete.newBuilder()
        .setContainerId(t.id)
        .setPid(t.init.pid())
        .setExitStatus(exit.status())
        .setExitedAt(EpochNanos.toTimestamp(exit.at()))
        .build());
  }

  void execAdded(Task t, String execId, List<String> args) {
    events.publish(t.namespace, "/tasks/exec-added",
        TaskExecAdded.newBuilder().setContainerId(t.id).setExecId(execId).addAllArgs(args).build());
  }

  void execStarted(Task t, TaskProcess p, List<String> args) {
    events.publish(t.namespace, "/tasks/exec-started",
        TaskExecStarted.newBuilder().setContainerId(t.id).setExecId(p.execId).setPid(p.pid()).addAllArgs(args).build());
  }

  void paused(Task t) {
    events.publish(t.namespace, "/tasks/paused", TaskPaused.newBuilder().setContainerId(t.id).build());
  }

  void resumed(Task t) {
    events.publish(t.namespace, "/tasks/resumed", TaskResumed.newBuilder().setContainerId(t.id).build());
  }
}
