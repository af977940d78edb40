package dev.berth.tasks.logs;

import berth.logs.v1.LogEntry;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReadLogsResponse;
import com.google.protobuf.Timestamp;
import dev.berth.api.grpc.Errors;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * One Read call: sends the log's lines only while the client keeps up, so nothing piles up in
 * memory; with follow, the watcher calls again as the monitor appends, until the task has ended
 * and every line is sent, or the client cancels.
 */
public final class LogStream {
  private static final Logger LOG = Logger.getLogger(LogStream.class.getName());
  /** What a response holds at most, in encoded entries (one more line may pass it). */
  static final int BATCH_BYTES = 256 * 1024;

  private final CriLogReader reader;
  private final ServerCallStreamObserver<ReadLogsResponse> responses;
  private final LogWatcher watcher;
  private final Optional<Timestamp> since;
  /** The task's end when following; done already when not. */
  private final CompletableFuture<?> ended;
  private LogWatcher.Watch watch;
  private boolean finished;

  private LogStream(CriLogReader reader, ServerCallStreamObserver<ReadLogsResponse> responses, LogWatcher watcher,
      Optional<Timestamp> since, CompletableFuture<?> ended) {
    this.reader = reader;
    this.responses = responses;
    this.watcher = watcher;
    this.since = since;
    this.ended = ended;
  }

  /** Starts the call; the stream owns {@code reader} from now on. */
  public static void start(CriLogReader reader, TaskLog log, ReadLogsRequest request,
      ServerCallStreamObserver<ReadLogsResponse> responses, LogWatcher watcher) throws IOException {
    LogStream stream = new LogStream(reader, responses, watcher,
        request.hasSince() ? Optional.of(request.getSince()) : Optional.empty(),
        request.getFollow() ? log.ended() : CompletableFuture.completedFuture(null));
    responses.setOnCancelHandler(stream::cancelled);
    // gRPC runs this once the handler returns and whenever the client has room again
    responses.setOnReadyHandler(stream::drain);
    if (request.getFollow()) {
      stream.follow(log);
    }
  }

  private synchronized void follow(TaskLog log) throws IOException {
    try {
      watch = watcher.watch(log.file(), this::drain);
    } catch (IOException e) {
      finish();
      throw e;
    }
    // a drain that found the log drained while the task ran waits for this one
    watcher.whenDone(ended, this::drain);
  }

  private synchronized void drain() {
    if (finished) {
      return;
    }
    try {
      while (responses.isReady()) {
        // taken before reading: a task that had ended by then has all its lines in the file
        boolean taskEnded = ended.isDone();
        ReadLogsResponse.Builder batch = ReadLogsResponse.newBuilder();
        boolean drained = fill(batch);
        if (batch.getEntriesCount() > 0) {
          responses.onNext(batch.build());
        }
        if (drained) {
          if (taskEnded) {
            finish();
            responses.onCompleted();
          }
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      finish();
      responses.onError(Errors.toStatus(e instanceof IOException
          ? Errors.internal(e, "reading log: %s", e.getMessage()) : e));
    }
  }

  /** Adds the lines there are to {@code batch} up to its size; whether the reader found no more. */
  private boolean fill(ReadLogsResponse.Builder batch) throws IOException {
    int bytes = 0;
    while (bytes < BATCH_BYTES) {
      Optional<LogEntry> entry = reader.next();
      if (entry.isEmpty()) {
        return true;
      }
      if (since.isEmpty() || !CriTime.before(entry.get().getTime(), since.get())) {
        batch.addEntries(entry.get());
        bytes += entry.get().getSerializedSize();
      }
    }
    return false;
  }

  private synchronized void cancelled() {
    finish();
  }

  private void finish() {
    finished = true;
    if (watch != null) {
      watcher.cancel(watch);
    }
    try {
      reader.close();
    } catch (IOException e) {
      LOG.warning("closing log: " + e.getMessage());
    }
  }
}
