package dev.berth.cri.streaming;

import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.client.containers.ExecProcess;
import dev.berth.client.containers.ProcessAttachment;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/** Starts the process a streaming request names, its output going to the client's streams. */
final class RemoteProcesses {
  private final Channel api;
  private final RunningContainers containers;

  RemoteProcesses(Channel api, EndedTasks endedTasks) {
    this.api = api;
    this.containers = new RunningContainers(api, endedTasks);
  }

  /** Blocking: calls berthd. Failures come as exceptions for the error stream. */
  RemoteProcess start(StreamRequest request, OutputStream out, OutputStream err) throws IOException,
      InterruptedException {
    if (request instanceof StreamRequest.Exec e) {
      RunningContainers.Running container = containers.running(e.containerId());
      try {
        return new Exec(ExecProcess.start(api, container.id(), container.process(), "cri-exec", e.cmd(), e.tty(),
            e.stdin(), out, err));
      } catch (StatusRuntimeException refused) {
        throw ExecRefusals.inContainerdsWords(refused);
      }
    }
    StreamRequest.Attach a = (StreamRequest.Attach) request;
    containers.running(a.containerId());
    ProcessAttachment attachment = ProcessAttachment.open(api, a.containerId(), "", a.stdin(), out, err);
    return new Attach(api, a.containerId(), attachment);
  }

  private record Exec(ExecProcess process) implements RemoteProcess {
    @Override
    public void stdin(byte[] data) {
      process.write(data);
    }

    @Override
    public void closeStdin() {
      process.closeStdin();
    }

    @Override
    public void resize(int width, int height) {
      process.resize(width, height);
    }

    @Override
    public CompletableFuture<Outcome> ended() {
      return process.exit().handle((code, failure) -> {
        process.close();
        return failure == null ? Outcome.exited(code) : Outcome.failed(failure.getMessage());
      });
    }

    @Override
    public void abandon() {
      process.kill();
      process.close();
    }
  }

  /** The main process's stdio through the Attach API: detaching leaves it running. */
  private record Attach(Channel api, String id, ProcessAttachment attachment) implements RemoteProcess {
    @Override
    public void stdin(byte[] data) {
      try {
        attachment.write(data, 0, data.length);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void closeStdin() {
      attachment.endInput();
    }

    @Override
    public void resize(int width, int height) {
      try {
        TasksGrpc.newBlockingStub(api).resizePty(ResizePtyRequest.newBuilder().setContainerId(id)
            .setWidth(width).setHeight(height).build());
      } catch (StatusRuntimeException e) {
        // no terminal, or the process ended meanwhile
      }
    }

    @Override
    public CompletableFuture<Outcome> ended() {
      // the kubelet reports an attach that ran to its end as success: the exit code is the container's status
      return attachment.ended().handle((done, failure) ->
          failure == null ? Outcome.exited(0) : Outcome.failed(failure.getMessage()));
    }

    @Override
    public void abandon() {
      attachment.close();
    }
  }
}
