package dev.berth.client.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.tasks.v1.CloseIORequest;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import dev.berth.linux.Syscalls;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a running container through the Tasks API (Exec, Start, Wait), its stdio on
 * FIFOs made here, as containerd's clients do: berthd opens their other ends, and closes its
 * write ends once the process is gone, so the readers here see end of file. For callers on
 * berthd's machine (the CRI's exec, health checks): the FIFOs are files of this host. The
 * process inherits the container's process settings (user, environment, working directory,
 * capabilities), as containerd's CRI plugin does, with the command and terminal replaced.
 */
public final class ExecProcess implements AutoCloseable {
  private static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SIGKILL = 9;
  private static final int BUFFER = 32 * 1024;
  /** How long output may still come once the process ended (berthd drains conmon first). */
  private static final long DRAIN_SECONDS = 10;
  private static final byte[] END_OF_INPUT = new byte[0];

  private final TasksGrpc.TasksBlockingStub tasks;
  private final String containerId;
  private final String execId;
  private final Path dir;
  private final Path stdinFifo;
  private final List<Path> fifos = new ArrayList<>();
  private final List<Thread> copiers = new ArrayList<>();
  private final BlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private ExecProcess(Channel api, String containerId, String execPrefix, Path dir, boolean stdin) {
    this.tasks = TasksGrpc.newBlockingStub(api);
    this.containerId = containerId;
    this.execId = execPrefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    this.dir = dir;
    this.stdinFifo = stdin ? dir.resolve("stdin") : null;
  }

  /**
   * Starts {@code cmd} in the running container {@code containerId}, as a process of the settings
   * {@code process} (its spec's) and an exec id beginning {@code execPrefix}; its output goes to
   * {@code out} and (without a terminal) {@code err} as it comes. A command the runtime cannot
   * start fails the start, as the Tasks API answers it.
   */
  public static ExecProcess start(Channel api, String containerId, ObjectNode process, String execPrefix,
      List<String> cmd, boolean tty, boolean stdin, OutputStream out, OutputStream err) throws IOException {
    ExecProcess p = new ExecProcess(api, containerId, execPrefix, Files.createTempDirectory("berth-" + execPrefix),
        stdin);
    try {
      p.begin(process, cmd, tty, out, err);
      return p;
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void begin(ObjectNode base, List<String> cmd, boolean tty, OutputStream out, OutputStream err)
      throws IOException {
    Path stdout = fifo("stdout");
    Path stderr = tty ? null : fifo("stderr");
    if (stdinFifo != null) {
      fifo("stdin");
    }
    copiers.add(copier(execId + "-stdout", stdout, out));
    if (stderr != null) {
      copiers.add(copier(execId + "-stderr", stderr, err));
    }
    tasks.exec(ExecProcessRequest.newBuilder().setContainerId(containerId).setExecId(execId)
        .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE_URL).setValue(ByteString.copyFrom(process(base, cmd, tty))))
        .setTerminal(tty).setStdin(stdinFifo == null ? "" : stdinFifo.toString()).setStdout(stdout.toString())
        .setStderr(stderr == null ? "" : stderr.toString()).build());
    if (stdinFifo != null) {
      Thread writer = new Thread(this::feedStdin, execId + "-stdin");
      writer.setDaemon(true);
      writer.start();
    }
    TasksGrpc.newStub(tasks.getChannel()).wait(WaitRequest.newBuilder().setContainerId(containerId).setExecId(execId)
        .build(), new io.grpc.stub.StreamObserver<WaitResponse>() {
          @Override
          public void onNext(WaitResponse r) {
            exit.complete(r.getExitStatus());
          }

          @Override
          public void onError(Throwable t) {
            exit.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    tasks.start(StartRequest.newBuilder().setContainerId(containerId).setExecId(execId).build());
  }

  /** The container's process settings with {@code cmd} and the terminal as asked. */
  private static byte[] process(ObjectNode base, List<String> cmd, boolean tty) throws IOException {
    ObjectNode process = base.deepCopy();
    ArrayNode args = process.putArray("args");
    cmd.forEach(args::add);
    process.put("terminal", tty);
    process.remove("consoleSize");
    return JSON.writeValueAsBytes(process);
  }

  /** Bytes for the process's stdin, written in order by a thread of their own. */
  public void write(byte[] data) {
    if (stdinFifo != null && data.length > 0) {
      input.add(data);
    }
  }

  /** No more stdin: the process reads end of file. */
  public void closeStdin() {
    if (stdinFifo != null) {
      input.add(END_OF_INPUT);
    }
  }

  /** The terminal's new size. */
  public void resize(int width, int height) {
    ignoringGone(() -> tasks.resizePty(ResizePtyRequest.newBuilder().setContainerId(containerId).setExecId(execId)
        .setWidth(width).setHeight(height).build()));
  }

  public void kill() {
    ignoringGone(() -> tasks.kill(KillRequest.newBuilder().setContainerId(containerId).setExecId(execId)
        .setSignal(SIGKILL).build()));
  }

  /** Completes with the exit status once the process ended and its output was copied. */
  public CompletableFuture<Integer> exit() {
    return exit.thenApply(code -> {
      awaitOutput();
      return code;
    });
  }

  /** Removes the process from its task and its FIFOs. */
  @Override
  public void close() {
    input.add(END_OF_INPUT);
    try {
      tasks.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId(containerId).setExecId(execId).build());
    } catch (StatusRuntimeException e) {
      // never created, or gone with its task
    }
    for (Path fifo : fifos) {
      // frees a copier still waiting in open(2) for the other end, which will never come now
      if (fifo.equals(stdinFifo)) {
        Syscalls.releaseFifoWriter(fifo);
      } else {
        Syscalls.releaseFifoReader(fifo);
      }
    }
    try {
      for (Path fifo : fifos) {
        Files.deleteIfExists(fifo);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover in the temporary directory does no harm
    }
  }

  private void awaitOutput() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
    for (Thread t : copiers) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void feedStdin() {
    // never created here: a FIFO close() removed already would be replaced by a file that stays
    try (OutputStream fifo = Files.newOutputStream(stdinFifo, StandardOpenOption.WRITE)) {
      for (byte[] data = input.take(); data != END_OF_INPUT; data = input.take()) {
        fifo.write(data);
        fifo.flush();
      }
    } catch (IOException e) {
      // the process is gone: its stdin with it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    ignoringGone(() -> tasks.closeIO(CloseIORequest.newBuilder().setContainerId(containerId).setExecId(execId)
        .setStdin(true).build()));
  }

  private Path fifo(String name) throws IOException {
    Path p = dir.resolve(name);
    Syscalls.mknod(p, Syscalls.S_IFIFO | 0600, 0, 0);
    fifos.add(p);
    return p;
  }

  private static Thread copier(String name, Path fifo, OutputStream to) {
    Thread t = new Thread(() -> {
      try (InputStream in = new FileInputStream(fifo.toFile())) {
        byte[] buffer = new byte[BUFFER];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          to.write(buffer, 0, n);
          to.flush();
        }
      } catch (IOException e) {
        // the client went away: the rest of the output has nowhere to go
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void ignoringGone(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      // the process ended meanwhile
    }
  }
}
