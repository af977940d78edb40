package dev.berth.cri.streaming;

import dev.berth.api.grpc.Errors;
import dev.berth.client.containers.ExecProcess;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CRI's streaming calls: ExecSync runs a command to its end here; Exec, Attach and
 * PortForward check their request and answer a one-time URL of the {@link StreamingServer},
 * where the client's connection then drives the process or the ports.
 */
public final class CriStreaming {
  /** ExecSync keeps at most this much of each output stream, as containerd does (the rest is read and dropped). */
  static final int MAX_EXEC_SYNC_OUTPUT = 16 * 1024 * 1024;

  private final Channel api;
  private final RunningContainers containers;
  private final StreamingServer server;

  /**
   * {@code api} reaches berthd's services in the CRI's namespace; {@code endedTasks} reads the
   * exits kept on records whose tasks are gone.
   */
  public CriStreaming(Channel api, StreamingServer server, EndedTasks endedTasks) {
    this.api = api;
    this.containers = new RunningContainers(api, endedTasks);
    this.server = server;
  }

  /** What ExecSync answers. */
  public record Result(byte[] stdout, byte[] stderr, int exitCode) {}

  /**
   * Runs {@code cmd} in the running container {@code id} to its end; after {@code timeoutSeconds}
   * (zero: none) the process is killed and the call fails with DEADLINE_EXCEEDED, the code the
   * kubelet reads as a probe's timeout.
   */
  public Result execSync(String id, List<String> cmd, long timeoutSeconds) throws InterruptedException {
    requireCommand(cmd);
    RunningContainers.Running container = containers.running(id);
    Capped out = new Capped();
    Capped err = new Capped();
    ExecProcess p;
    try {
      p = ExecProcess.start(api, container.id(), container.process(), "cri-exec", cmd, false, false, out, err);
    } catch (StatusRuntimeException e) {
      // the main process may have ended since the check (the runtime then refuses the exec):
      // FAILED_PRECONDITION as the check gives it, not the runtime's UNKNOWN
      containers.running(id);
      throw ExecRefusals.inContainerdsWords(e);
    } catch (IOException e) {
      throw Errors.internal(e, "cannot start %s in container %s: %s", cmd, id, e.getMessage());
    }
    try {
      int code = timeoutSeconds > 0 ? p.exit().get(timeoutSeconds, TimeUnit.SECONDS) : p.exit().get();
      return new Result(out.toByteArray(), err.toByteArray(), code);
    } catch (TimeoutException e) {
      p.kill();
      try {
        p.exit().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
        // killed or not, the caller hears of the timeout
      }
      throw Status.DEADLINE_EXCEEDED.withDescription("failed to exec in container: timeout " + timeoutSeconds
          + "s exceeded: context deadline exceeded").asRuntimeException();
    } catch (ExecutionException e) {
      throw Errors.internal(e.getCause(), "failed while waiting for exec in container %s: %s", id,
          e.getCause().getMessage());
    } finally {
      p.close();
    }
  }

  /** The URL of an interactive exec; the container must run now. */
  public String exec(String id, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
    requireCommand(cmd);
    requireStreams(tty, stdin, stdout, stderr);
    containers.running(id);
    return server.url(new StreamRequest.Exec(id, List.copyOf(cmd), tty, stdin, stdout, stderr));
  }

  /** The URL of an attach to the main process of the running container {@code id}. */
  public String attach(String id, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
    requireStreams(tty, stdin, stdout, stderr);
    containers.running(id);
    return server.url(new StreamRequest.Attach(id, tty, stdin, stdout, stderr));
  }

  /** The URL forwarding to ports of sandbox {@code sandboxId}'s network namespace. */
  public String portForward(String sandboxId, List<Integer> ports) {
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw Errors.invalidArgument("port %d is not a TCP port (1-65535)", port);
      }
    }
    return server.url(new StreamRequest.PortForward(sandboxId, containers.netns(sandboxId), List.copyOf(ports)));
  }

  private static void requireCommand(List<String> cmd) {
    if (cmd.isEmpty()) {
      throw Errors.invalidArgument("cmd is required: the command to run and its arguments");
    }
  }

  /** containerd's checks: the kubelet never asks for stderr with a terminal, nor for no stream at all. */
  private static void requireStreams(boolean tty, boolean stdin, boolean stdout, boolean stderr) {
    if (tty && stderr) {
      throw Errors.invalidArgument("tty and stderr cannot both be true: a terminal carries stderr on stdout");
    }
    if (!stdin && !stdout && !stderr) {
      throw Errors.invalidArgument("one of stdin, stdout, or stderr must be set");
    }
  }

  /** Output kept up to {@link #MAX_EXEC_SYNC_OUTPUT}; more is read and dropped so the process never blocks. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (kept.size() < MAX_EXEC_SYNC_OUTPUT) {
        kept.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      kept.write(b, off, Math.min(len, MAX_EXEC_SYNC_OUTPUT - kept.size()));
    }

    synchronized byte[] toByteArray() {
      return kept.toByteArray();
    }
  }
}
