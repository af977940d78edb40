package dev.berth.ctl.container;

import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.client.containers.ProcessAttachment;
import dev.berth.ctl.Io;
import dev.berth.ctl.terminal.DetachKeys;
import dev.berth.ctl.terminal.SignalForwarding;
import dev.berth.ctl.terminal.TerminalMode;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * This terminal joined to a container's process through the Attach API ({@link ProcessAttachment}):
 * the terminal's size for a process with a terminal (the caller put it in raw mode before), stdin when it takes it, signals
 * passed on to one without a terminal, and the detach keys, which leave the process running.
 */
final class JoinedProcess {
  private static final int INPUT_BUFFER = 32 * 1024;

  private final TasksGrpc.TasksBlockingStub tasks;
  private final String id;
  private final ProcessAttachment attachment;

  JoinedProcess(TasksGrpc.TasksBlockingStub tasks, String id, ProcessAttachment attachment) {
    this.tasks = tasks;
    this.id = id;
    this.attachment = attachment;
  }

  /**
   * Relays until the process ends (false) or the detach keys are typed (true); {@code sigProxy}
   * passes signals on to a process without a terminal. As Docker's, only a process with a terminal
   * is detached from by keys: piped input reaches one without a terminal whole.
   */
  boolean relay(Io io, DetachKeys detachKeys, boolean sigProxy) throws IOException, InterruptedException,
      ExecutionException {
    DetachKeys keys = attachment.terminal() ? detachKeys : DetachKeys.NONE;
    boolean localTerminal = attachment.terminal() && io.inIsTerminal();
    CompletableFuture<Void> detach = new CompletableFuture<>();
    try (SignalForwarding signals = !io.console() ? SignalForwarding.none()
            : SignalForwarding.install(!attachment.terminal() && sigProxy ? this::signal : null,
                localTerminal ? this::resize : null)) {
      if (localTerminal) {
        resize();
      }
      if (attachment.stdin() || localTerminal) {
        // a terminal is read for the detach keys even when the process takes no stdin
        Thread input = new Thread(() -> copyInput(io, keys, detach), "berthctl-attach-stdin");
        input.setDaemon(true);
        input.start();
      }
      CompletableFuture.anyOf(attachment.ended(), detach).get();
      return detach.isDone();
    }
  }

  private void copyInput(Io io, DetachKeys keys, CompletableFuture<Void> detach) {
    byte[] buffer = new byte[INPUT_BUFFER];
    ByteArrayOutputStream pass = new ByteArrayOutputStream();
    try {
      int n;
      while ((n = io.in().read(buffer)) > 0) {
        pass.reset();
        boolean done = keys.scan(buffer, n, pass);
        if (pass.size() > 0 && attachment.stdin()) {
          attachment.write(pass.toByteArray(), 0, pass.size());
        }
        if (done) {
          detach.complete(null);
          return;
        }
      }
      if (attachment.stdin()) {
        attachment.endInput();
      }
    } catch (IOException e) {
      // the terminal went away: output may still come
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(int signal) {
    try {
      tasks.kill(KillRequest.newBuilder().setContainerId(id).setSignal(signal).build());
    } catch (StatusRuntimeException e) {
      // it ended meanwhile
    }
  }

  private void resize() {
    TerminalMode.size().ifPresent(size -> {
      try {
        tasks.resizePty(ResizePtyRequest.newBuilder().setContainerId(id).setWidth(size[0]).setHeight(size[1]).build());
      } catch (StatusRuntimeException e) {
        // it ended meanwhile
      }
    });
  }
}
