package dev.berth.cri.streaming;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One exec or attach as the channel protocol numbers its streams (stdin 0, stdout 1, stderr 2,
 * error 3, resize 4), whatever carries them: SPDY streams or WebSocket channels. What the client
 * sends is handed to the process in order on a thread of the session's own, so a slow process
 * never holds the network thread; when the process ends, the error stream gets its status and
 * the transport closes.
 */
final class RemoteCommandSession {
  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;

  /** The client's end, as the protocol writes to it; safe to call from any thread. */
  interface Transport {
    /** Completes once the data went out (a client that reads slowly holds it back). */
    Future<?> send(int channel, byte[] data);

    /** All output was sent: end the streams and the connection. */
    void finish();
  }

  private final StreamRequest request;
  private final RemoteProcesses processes;
  private final Transport transport;
  private final ExecutorService worker;
  private final ResizeDecoder resizes;
  private final AtomicBoolean over = new AtomicBoolean();
  private RemoteProcess process;

  RemoteCommandSession(StreamRequest request, RemoteProcesses processes, Transport transport) {
    this.request = request;
    this.processes = processes;
    this.transport = transport;
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cri-stream-session");
      t.setDaemon(true);
      return t;
    });
    this.resizes = new ResizeDecoder((w, h) -> process.resize(w, h));
  }

  /** Starts the process once the client's streams are there. */
  void start() {
    run(() -> {
      try {
        process = processes.start(request, output(STDOUT), output(STDERR));
      } catch (Exception e) {
        end(RemoteProcess.Outcome.failed(describe(e)));
        return;
      }
      process.ended().thenAccept(this::end);
    });
  }

  /** Data the client sent on {@code channel}. */
  void received(int channel, byte[] data) {
    run(() -> {
      if (process == null) {
        return;
      }
      if (channel == STDIN) {
        process.stdin(data);
      } else if (channel == RESIZE) {
        resizes.feed(data);
      }
    });
  }

  /** The client will send no more on {@code channel}. */
  void closed(int channel) {
    if (channel == STDIN) {
      run(() -> {
        if (process != null) {
          process.closeStdin();
        }
      });
    }
  }

  /** The connection went away before the process ended. */
  void clientGone() {
    if (over.compareAndSet(false, true)) {
      run(() -> {
        if (process != null) {
          process.abandon();
        }
      });
      worker.shutdown();
    }
  }

  private void end(RemoteProcess.Outcome outcome) {
    if (over.compareAndSet(false, true)) {
      transport.send(ERROR, StatusJson.of(outcome, command()));
      transport.finish();
      worker.shutdown();
    }
  }

  private String command() {
    return request instanceof StreamRequest.Exec e ? e.cmd().toString() : "attach";
  }

  private void run(Runnable work) {
    try {
      worker.execute(work);
    } catch (RejectedExecutionException e) {
      // the session is over
    }
  }

  private OutputStream output(int channel) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (len > 0) {
          // the process's output waits for the client: a reader that falls behind slows the
          // copier, then the pipe, then the process, and nothing piles up in memory here
          Future<?> sent = transport.send(channel, Arrays.copyOfRange(b, off, off + len));
          try {
            sent.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException e) {
            // the connection is gone: the output has nowhere to go
          }
        }
      }
    };
  }

  private static String describe(Exception e) {
    if (e instanceof io.grpc.StatusRuntimeException s) {
      // a runtime's refusal (UNKNOWN) reads as containerd's words do, without a code
      return s.getStatus().getCode() == io.grpc.Status.Code.UNKNOWN ? String.valueOf(s.getStatus().getDescription())
          : s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
