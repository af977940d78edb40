package dev.berth.api.grpc;

import io.grpc.Status;
import java.util.logging.Logger;

/**
 * What a background worker logs about another service it cannot reach: one line when the service
 * stops answering, naming the worker and what it was doing, and one when it answers again. The
 * retries in between are quiet: a worker that retries every second (berthd's gc while the
 * metadata group was down) otherwise logged a stack trace a second.
 */
public final class UnreachableLog {
  private final Logger log;
  private final String owner;
  private boolean down;

  /** @param owner names the worker in log lines, like "gc" */
  public UnreachableLog(Logger log, String owner) {
    this.log = log;
    this.owner = owner;
  }

  /** Whether {@code failure} means the service could not be reached, rather than that it refused. */
  public static boolean unreachable(Throwable failure) {
    return Status.fromThrowable(failure).getCode() == Status.Code.UNAVAILABLE;
  }

  /**
   * Notes a failure while {@code doing} something (e.g. "collecting garbage"): logged once if the
   * service was unreachable. Answers false for any other failure, which the caller reports itself.
   */
  public boolean failed(String doing, Throwable failure) {
    if (!unreachable(failure)) {
      return false;
    }
    synchronized (this) {
      if (down) {
        return true;
      }
      down = true;
    }
    log.warning(owner + ": " + doing + " failed, a service it needs does not answer ("
        + Status.fromThrowable(failure).getDescription() + "); retrying quietly until it does");
    return true;
  }

  /** Notes that the service answered; logged once after it was unreachable. */
  public void reached() {
    synchronized (this) {
      if (!down) {
        return;
      }
      down = false;
    }
    log.info(owner + ": the services it needs answer again");
  }
}
