package dev.berth.tasks.server;

import berth.logs.v1.ReadLogsResponse;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReopenLogRequest;
import com.google.protobuf.Empty;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.tasks.logs.CriLogReader;
import dev.berth.tasks.logs.LogStream;
import dev.berth.tasks.logs.LogWatcher;
import dev.berth.tasks.logs.TaskLog;
import dev.berth.tasks.logs.TaskLogs;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Berth's Logs API: the output of a container's init processes, from the CRI log their monitors
 * append to, in the caller's namespace. The log lasts as long as the container record, as
 * Docker keeps a container's logs until it is removed: every run's lines, after its task was
 * deleted and a new one created.
 */
public final class LogsService extends LogsGrpc.LogsImplBase implements AutoCloseable {
  private final TaskLogs tasks;
  private final LogWatcher watcher;

  public LogsService(TaskLogs tasks) throws IOException {
    this.tasks = tasks;
    this.watcher = new LogWatcher();
  }

  @Override
  public void read(ReadLogsRequest request, StreamObserver<ReadLogsResponse> responses) {
    try {
      TaskLog log = tasks.log(RequestContext.namespace(), request.getContainerId());
      CriLogReader reader;
      try {
        reader = request.hasTail() ? CriLogReader.open(log.file(), Integer.toUnsignedLong(request.getTail()))
            : CriLogReader.open(log.file());
      } catch (NoSuchFileException e) {
        throw Errors.notFound("no logs for container %s: it has never run", request.getContainerId());
      }
      if (request.hasSince()) {
        reader.skipCompressedBefore(request.getSince());
      }
      LogStream.start(reader, log, request, (ServerCallStreamObserver<ReadLogsResponse>) responses, watcher);
    } catch (IOException e) {
      responses.onError(Errors.toStatus(Errors.internal(e, "reading log of container %s: %s",
          request.getContainerId(), e.getMessage())));
    } catch (RuntimeException e) {
      responses.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void reopen(ReopenLogRequest request, StreamObserver<Empty> responses) {
    tasks.reopen(RequestContext.namespace(), request.getContainerId());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  /** Stops watching logs; followers still streaming hear no more. */
  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
