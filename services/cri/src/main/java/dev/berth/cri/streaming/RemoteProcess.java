package dev.berth.cri.streaming;

import java.util.concurrent.CompletableFuture;

/**
 * A process a streaming client drives (an exec, or a container's main process it attached to):
 * what the client's stdin and resize streams feed, and how it ended, for the error stream.
 */
interface RemoteProcess {
  void stdin(byte[] data);

  void closeStdin();

  void resize(int width, int height);

  /** Completes once the process ended and its output was written. */
  CompletableFuture<Outcome> ended();

  /** The client went away: an exec is killed, an attached process runs on. */
  void abandon();

  /** How a remote command ended: an exit code, or an error starting or following it. */
  record Outcome(int exitCode, String error) {
    static Outcome exited(int code) {
      return new Outcome(code, null);
    }

    static Outcome failed(String error) {
      return new Outcome(-1, error);
    }
  }
}
