package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.logs.v1.LogEntry;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReadLogsResponse;
import com.google.protobuf.Timestamp;
import dev.berth.api.grpc.Errors;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.server.LogsService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Logs service in-process over a log file written by the test in the monitor's format:
 * tail, since, follow woken by inotify and ended by the task's end, cancel, flow control, errors.
 */
class LogsServiceTest {
  @TempDir
  Path dir;
  Path file;
  CompletableFuture<Void> ended = new CompletableFuture<>();
  LogsService service;
  InProcessServices server;
  LogsGrpc.LogsBlockingStub logs;
  LogsGrpc.LogsStub async;

  @BeforeEach
  void start() throws IOException {
    file = dir.resolve("container.log");
    service = new LogsService(new TaskLogs() {
      @Override
      public TaskLog log(String namespace, String id) {
        if (!namespace.equals("default") || !id.equals("c1")) {
          throw Errors.notFound("no logs for container %s: it has no task", id);
        }
        return new TaskLog(file, ended);
      }

      /** No monitor writes these logs: the test does. */
      @Override
      public void reopen(String namespace, String id) {
        throw Errors.failedPrecondition("container %s has no monitor here", id);
      }
    });
    server = InProcessServices.start(service);
    logs = LogsGrpc.newBlockingStub(server.channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    async = LogsGrpc.newStub(server.channel());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    service.close();
  }

  private void append(String stream, String tag, String message, String time) throws IOException {
    Files.writeString(file, time + " " + stream + " " + tag + " " + message + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void append(String message) throws IOException {
    append("stdout", "F", message, "2024-03-01T09:00:00Z");
  }

  private List<String> read(ReadLogsRequest.Builder request) {
    List<String> lines = new ArrayList<>();
    logs.read(request.setContainerId("c1").build())
        .forEachRemaining(r -> r.getEntriesList().forEach(e -> lines.add(e.getData().toStringUtf8())));
    return lines;
  }

  @Test
  void readsEverythingThenTheLastLinesThenThoseSinceATime() throws IOException {
    append("stdout", "F", "one", "2024-03-01T09:00:00.1Z");
    append("stderr", "F", "two", "2024-03-01T10:00:00.2+01:00");
    append("stdout", "F", "three", "2024-03-01T09:00:00.3Z");
    assertEquals(List.of("one", "two", "three"), read(ReadLogsRequest.newBuilder()));
    assertEquals(List.of("two", "three"), read(ReadLogsRequest.newBuilder().setTail(2)));
    Timestamp since = Timestamp.newBuilder().setSeconds(1709283600).setNanos(200_000_000).build();
    assertEquals(List.of("two", "three"), read(ReadLogsRequest.newBuilder().setSince(since)));
    assertEquals(List.of("three"), read(ReadLogsRequest.newBuilder().setSince(since).setTail(1)));
    assertEquals(List.of("one", "two", "three"), read(ReadLogsRequest.newBuilder().setTail(-1)), "tail 2^32-1 is all");
    assertEquals(List.of(), read(ReadLogsRequest.newBuilder().setTail(0)), "tail 0 is none, as docker logs --tail 0");
  }

  @Test
  void unknownContainerIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("other").build()).hasNext());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("no logs for container other: it has no task", e.getStatus().getDescription());
  }

  @Test
  void aMissingLogFileIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("c1").build()).hasNext());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  /** Collects a call's entries and its end. */
  private static final class Collector implements ClientResponseObserver<ReadLogsRequest, ReadLogsResponse> {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final AtomicInteger responses = new AtomicInteger();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    final int initialRequests;
    ClientCallStreamObserver<ReadLogsRequest> call;

    Collector(int initialRequests) {
      this.initialRequests = initialRequests;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReadLogsRequest> requestStream) {
      call = requestStream;
      if (initialRequests >= 0) {
        requestStream.disableAutoRequestWithInitial(initialRequests);
      }
    }

    @Override
    public void onNext(ReadLogsResponse response) {
      responses.incrementAndGet();
      for (LogEntry entry : response.getEntriesList()) {
        lines.add(entry.getData().toStringUtf8());
      }
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    String next() throws InterruptedException {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertTrue(line != null, "a line within 10 s");
      return line;
    }
  }

  @Test
  void followSendsLinesAsTheyAreWrittenAndEndsWhenTheTaskHasEnded() throws Exception {
    append("before");
    Collector c = new Collector(-1);
    async.read(ReadLogsRequest.newBuilder().setContainerId("c1").setFollow(true).build(), c);
    assertEquals("before", c.next());
    append("later");
    assertEquals("later", c.next());
    append("last");
    ended.complete(null);
    assertEquals("last", c.next());
    assertEquals(Status.Code.OK, c.end.get(10, TimeUnit.SECONDS).getCode());
    assertTrue(c.lines.isEmpty());
    assertEquals(0, openDescriptorsOf(file), "log closed after the end");
  }

  @Test
  void followOfAnEndedTaskEndsAtTheLogsEnd() throws Exception {
    append("only");
    ended.complete(null);
    assertEquals(List.of("only"), read(ReadLogsRequest.newBuilder().setFollow(true)));
  }

  @Test
  void cancellingAFollowClosesTheLog() throws Exception {
    append("first");
    Collector c = new Collector(-1);
    async.read(ReadLogsRequest.newBuilder().setContainerId("c1").setFollow(true).build(), c);
    assertEquals("first", c.next());
    assertEquals(1, openDescriptorsOf(file));
    c.call.cancel("enough", null);
    assertEquals(Status.Code.CANCELLED, c.end.get(10, TimeUnit.SECONDS).getCode());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (openDescriptorsOf(file) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, openDescriptorsOf(file));
    append("unheard");
  }

  @Test
  void readsNoFurtherThanASlowClientAsks() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append("2024-03-01T09:00:00.000000001Z stdout F line ").append(i).append('\n');
    }
    Files.writeString(file, text);
    long size = Files.size(file);
    Collector c = new Collector(1);
    async.read(ReadLogsRequest.newBuilder().setContainerId("c1").build(), c);
    assertEquals("line 0", c.next());
    Thread.sleep(100);
    assertEquals(1, c.responses.get(), "only what was asked for is sent");
    long position = readPosition(file);
    assertTrue(position < size / 4, "read " + position + " of " + size + " bytes");
    c.call.request(Integer.MAX_VALUE);
    assertEquals(Status.Code.OK, c.end.get(20, TimeUnit.SECONDS).getCode());
    assertEquals(99_999, c.lines.size());
  }

  @Test
  void aLongLogComesInResponsesOfManyLines() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      text.append("2024-03-01T09:00:00.000000001Z stdout F line ").append(i).append('\n');
    }
    Files.writeString(file, text);
    Collector c = new Collector(-1);
    async.read(ReadLogsRequest.newBuilder().setContainerId("c1").build(), c);
    assertEquals(Status.Code.OK, c.end.get(20, TimeUnit.SECONDS).getCode());
    assertEquals(10_000, c.lines.size());
    assertEquals("line 9999", List.copyOf(c.lines).get(9_999));
    assertTrue(c.responses.get() <= 10, "a response per 64 KiB, not per line: " + c.responses.get());
  }

  /** How many descriptors of this process have {@code path} open. */
  private static int openDescriptorsOf(Path path) throws IOException {
    return descriptorsOf(path).size();
  }

  private static long readPosition(Path path) throws IOException {
    List<Path> fds = descriptorsOf(path);
    assertEquals(1, fds.size());
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fds.get(0).getFileName()))) {
      if (line.startsWith("pos:")) {
        return Long.parseLong(line.substring(4).trim());
      }
    }
    throw new AssertionError("no position in fdinfo");
  }

  private static List<Path> descriptorsOf(Path path) throws IOException {
    List<Path> fds = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : all) {
        try {
          if (Files.readSymbolicLink(fd).equals(path.toAbsolutePath())) {
            fds.add(fd);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return fds;
  }
}
