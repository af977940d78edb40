package dev.berth.client.build;

import berth.logs.v1.LogEntry;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReadLogsResponse;
import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import dev.berth.client.containers.ContainerCreator;
import dev.berth.client.containers.ContainerOptions;
import dev.berth.client.containers.ContainerStartFailure;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.SnapshotDiff;
import dev.berth.client.health.Healthcheck;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RUN: the command in a container of the stage's image as it stands (its environment, user,
 * working directory and volumes; the build args in the environment; no entrypoint; no health
 * check; the mounts of {@code RUN --mount} and here-document scripts), output streamed as it comes, then its writable layer taken as the step's layer. The
 * container is removed whatever happens; should this process die first, it is a {@link BuildLeftovers}.
 */
final class RunStep {
  private static final int SIGKILL = 9;
  private final Channel channel;
  private final String namespace;
  private final PrintStream out;
  private final Cancellation cancellation;
  private final Map<String, String> leftoverLabels;

  /**
   * {@code channel} carries the namespace and the build's lease; {@code leftoverLabels} mark the
   * container as the build's, should berthctl die while it runs ({@link BuildLeftovers}).
   */
  RunStep(Channel channel, String namespace, PrintStream out, Cancellation cancellation,
      Map<String, String> leftoverLabels) {
    this.channel = channel;
    this.leftoverLabels = leftoverLabels;
    this.namespace = namespace;
    this.out = out;
    this.cancellation = cancellation;
  }

  /**
   * Runs {@code command} in a container of image {@code image} (whose top snapshot is
   * {@code chainId}); its layer, or a failure with its exit code.
   */
  SnapshotDiff.Layer run(String image, String chainId, List<String> command, List<String> env, RunMounts mounts,
      String network, String mediaType) throws InterruptedException, IOException {
    try (InitLayer init = InitLayer.make(channel, chainId, mounts.directories(), mounts.files())) {
      return run(image, init, command, env, mounts.flags(), network, mediaType);
    }
  }

  private SnapshotDiff.Layer run(String image, InitLayer init, List<String> command, List<String> env,
      List<String> mounts, String network, String mediaType) throws InterruptedException {
    ContainerOptions o = new ContainerOptions();
    o.image = image;
    o.snapshotParent = init.name();
    o.entrypoint = "";
    o.command = command;
    o.env = env;
    o.mounts.addAll(mounts);
    o.network = network;
    o.health = new Healthcheck.Flags(null, null, null, null, null, null, true);
    leftoverLabels.forEach((k, v) -> o.labels.add(k + "=" + v));
    Container record = new ContainerCreator(channel, namespace, Map.of()).create(o);
    String shortId = record.getId().substring(0, 12);
    out.println(" ---> Running in " + shortId);
    ContainerTasks tasks = new ContainerTasks(channel);
    boolean removed = false;
    try {
      start(tasks, record);
      cancellation.running(() -> kill(tasks, record));
      follow(record.getId());
      int code = TasksGrpc.newBlockingStub(channel).wait(WaitRequest.newBuilder().setContainerId(record.getId()).build())
          .getExitStatus();
      cancellation.check();
      if (code != 0) {
        // Docker's words (moby v27 builder/dockerfile/dispatchers.go)
        throw new BuildStepException("The command '" + String.join(" ", command) + "' returned a non-zero code: "
            + code, code);
      }
      SnapshotDiff.Layer layer = SnapshotDiff.of(channel, record.getSnapshotter(), record.getSnapshotKey(), mediaType);
      remove(tasks, record.getId());
      removed = true;
      out.println("Removing intermediate container " + shortId);
      return layer;
    } finally {
      cancellation.notRunning();
      if (!removed) {
        remove(tasks, record.getId());
      }
    }
  }

  /**
   * Starts the step's container. A start refused (the command missing, a USER its /etc/passwd lacks)
   * fails the step as Docker's builder fails it: the daemon's words bare in the stream, exit 1,
   * not the 127 or 126 {@code docker run} exits with.
   */
  private void start(ContainerTasks tasks, Container record) {
    try {
      tasks.startDetached(ContainerState.of(channel, record));
    } catch (ContainerStartFailure e) {
      throw new BuildStepException(e.getMessage(), 1);
    } catch (StatusRuntimeException e) {
      cancellation.check();
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        throw e;
      }
      throw new BuildStepException(String.valueOf(e.getStatus().getDescription()), 1);
    }
  }

  /** Ends the container's process, so that the step ends and its finally removes the container. */
  private void kill(ContainerTasks tasks, Container record) {
    ContainerState s = ContainerState.of(channel, record);
    if (s.running()) {
      tasks.kill(s, SIGKILL);
    }
  }

  private void remove(ContainerTasks tasks, String id) throws InterruptedException {
    tasks.removeIfPresent(id);
  }

  /** The container's output (stdout and stderr, in order) to the build's output until its process ends. */
  private void follow(String id) {
    Iterator<ReadLogsResponse> responses = LogsGrpc.newBlockingStub(channel)
        .read(ReadLogsRequest.newBuilder().setContainerId(id).setFollow(true).build());
    while (responses.hasNext()) {
      for (LogEntry e : responses.next().getEntriesList()) {
        out.write(e.getData().toByteArray(), 0, e.getData().size());
        if (e.getComplete()) {
          out.write('\n');
        }
      }
      out.flush();
    }
  }
}
