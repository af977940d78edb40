package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.logs.v1.LogEntry;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReadLogsResponse;
import berth.logs.v1.ReopenLogRequest;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.server.LogsService;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A container's output read back through the Logs service from the CRI log its conmons write, on runc. */
class LogsKernelTest {
  /** A line of 16 KiB, longer than conmon's 8 KiB buffer, so that conmon splits it. */
  private static final String LONG_LINE = "s=x; i=0; while [ $i -lt 14 ]; do s=$s$s; i=$((i+1)); done; echo $s";

  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();
  LogsService service;
  InProcessServices server;
  LogsGrpc.LogsBlockingStub logs;

  @BeforeEach
  void start() throws Exception {
    service = new LogsService(rig.manager);
    server = InProcessServices.start(service);
    logs = LogsGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    service.close();
  }

  private ListenableFuture<WaitResponse> startTask(String id, String script) {
    rig.createContainer(id, rig.spec(id, "sh", "-c", script));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId(id).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
    return exit;
  }

  private Status status(String id) {
    return rig.tasksApi.get(GetRequest.newBuilder().setContainerId(id).build()).getProcess().getStatus();
  }

  private List<LogEntry> read(ReadLogsRequest.Builder request) {
    List<LogEntry> entries = new ArrayList<>();
    logs.read(request.build()).forEachRemaining(r -> entries.addAll(r.getEntriesList()));
    return entries;
  }

  /** Entries as "stream text", the parts of split lines joined. */
  private static List<String> lines(List<LogEntry> entries) {
    List<String> lines = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    for (LogEntry e : entries) {
      partial.append(e.getData().toStringUtf8());
      if (e.getComplete()) {
        lines.add(e.getStream() + " " + partial);
        partial.setLength(0);
      }
    }
    return lines;
  }

  @Test
  void readsStdoutAndStderrOfAnEndedTaskWholeFromTheEndAndSinceATime() throws Exception {
    ListenableFuture<WaitResponse> exit = startTask("printer",
        "echo one; sleep 0.1; echo two >&2; sleep 0.1; " + LONG_LINE + "; echo four; echo five");
    assertEquals(0, exit.get(30, TimeUnit.SECONDS).getExitStatus());
    String x = "x".repeat(1 << 14);

    List<LogEntry> all = read(ReadLogsRequest.newBuilder().setContainerId("printer"));
    assertEquals(List.of("stdout one", "stderr two", "stdout " + x, "stdout four", "stdout five"), lines(all));
    assertTrue(all.stream().anyMatch(e -> !e.getComplete()), "conmon split the long line: " + all.size() + " entries");
    for (int i = 1; i < all.size(); i++) {
      assertTrue(all.get(i).getTime().getSeconds() * 1_000_000_000L + all.get(i).getTime().getNanos()
          >= all.get(i - 1).getTime().getSeconds() * 1_000_000_000L + all.get(i - 1).getTime().getNanos(), "times ascend");
    }

    assertEquals(List.of("stdout four", "stdout five"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("printer").setTail(2))));
    assertEquals(List.of("stdout " + x, "stdout four", "stdout five"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("printer").setTail(3))));
    assertEquals(List.of("stderr two", "stdout " + x, "stdout four", "stdout five"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("printer").setSince(all.get(1).getTime()))));
  }

  @Test
  void followSendsLinesWhileTheTaskRunsAndEndsWhenItExits() throws Exception {
    ListenableFuture<WaitResponse> exit = startTask("ticker",
        "echo first; sleep 1; echo second; sleep 0.3; echo third >&2; sleep 0.1; echo fourth");
    Iterator<ReadLogsResponse> follow =
        logs.read(ReadLogsRequest.newBuilder().setContainerId("ticker").setFollow(true).build());
    assertEquals("first", follow.next().getEntries(0).getData().toStringUtf8());
    assertEquals(Status.RUNNING, status("ticker"), "the first line came while the task ran");
    List<String> rest = new ArrayList<>();
    follow.forEachRemaining(r -> r.getEntriesList()
        .forEach(e -> rest.add(e.getStream() + " " + e.getData().toStringUtf8())));
    assertEquals(Status.STOPPED, status("ticker"), "the stream ends once the task has");
    assertEquals(List.of("stdout second", "stderr third", "stdout fourth"), rest);
    assertEquals(0, exit.get(10, TimeUnit.SECONDS).getExitStatus());
  }

  @Test
  void followLosesNothingWrittenRightBeforeTheExit() throws Exception {
    startTask("burst", "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done");
    List<String> followed = lines(read(ReadLogsRequest.newBuilder().setContainerId("burst").setFollow(true)));
    assertEquals(3000, followed.size());
    assertEquals("stdout line2999", followed.get(2999));
  }

  @Test
  void followWithTailStartsAtTheLastLines() throws Exception {
    ListenableFuture<WaitResponse> exit = startTask("counter", "echo a; echo b; echo c; sleep 0.5; echo d");
    // once c is there; the task still sleeps
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (read(ReadLogsRequest.newBuilder().setContainerId("counter")).size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<String> followed = lines(read(ReadLogsRequest.newBuilder().setContainerId("counter").setTail(1).setFollow(true)));
    assertEquals(Status.STOPPED, status("counter"));
    assertEquals(List.of("stdout c", "stdout d"), followed);
    assertEquals(0, exit.get(10, TimeUnit.SECONDS).getExitStatus());
  }

  @Test
  void containersThatNeverRanHaveNoLogs() throws Exception {
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("nobody").build()).hasNext());
    assertEquals(io.grpc.Status.Code.NOT_FOUND, unknown.getStatus().getCode());

    rig.createContainer("idle", rig.spec("idle", "true"));
    StatusRuntimeException idle = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("idle").build()).hasNext());
    assertEquals(io.grpc.Status.Code.NOT_FOUND, idle.getStatus().getCode());
    assertEquals("no logs for container idle: it has never run", idle.getStatus().getDescription());

    StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("").build()).hasNext());
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
  }

  @Test
  void theLogOutlivesTheTaskUntilTheContainerIsDeleted() throws Exception {
    assertEquals(0, startTask("brief", "echo bye").get(30, TimeUnit.SECONDS).getExitStatus());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("brief").build());
    assertEquals(List.of("stdout bye"), lines(read(ReadLogsRequest.newBuilder().setContainerId("brief"))));
    assertEquals(List.of("stdout bye"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("brief").setFollow(true))),
        "following a container without a task ends at the log's end");

    Path log = rig.state.resolve("logs/default/brief.log");
    assertTrue(Files.exists(log));
    rig.containersApi.delete(DeleteContainerRequest.newBuilder().setId("brief").build());
    assertFalse(Files.exists(log), "the log goes with the container record");
    StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
        () -> logs.read(ReadLogsRequest.newBuilder().setContainerId("brief").build()).hasNext());
    assertEquals(io.grpc.Status.Code.NOT_FOUND, gone.getStatus().getCode());
  }

  @Test
  void aNamedLogIsReadableByItsGroupAlsoOnceReopenedAfterARotation(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("app/0.log");
    rig.createContainer("rotated", rig.spec("rotated", "sh", "-c", "while true; do echo tick; sleep 0.1; done"),
        Map.of(ContainerLabels.LOG_PATH, log.toString()));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("rotated").addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("rotated").build());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)), "containerd's 0640");

    // rotated once it holds a line, as the kubelet rotates a log that grew
    long written = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(log).contains(" stdout F tick\n") && System.nanoTime() < written) {
      Thread.sleep(20);
    }
    Path rotated = dir.resolve("app/0.log.20261205-101500");
    Files.move(log, rotated);
    logs.reopen(ReopenLogRequest.newBuilder().setContainerId("rotated").build());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)),
        "the file conmon opened anew has the mode too");
    assertFalse(Files.exists(dir.resolve("app/0.log.tmp")), "conmon renamed the file made for it");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(log).contains(" stdout F tick\n") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.readString(log).contains(" stdout F tick\n"), "the new file is the one written");
    assertTrue(Files.readString(rotated).contains(" stdout F tick\n"));
  }

  @Test
  void aLogWithASizeLimitStartsAgainAndIsFollowedThroughWithoutALostLine() throws Exception {
    // lines of some 60 bytes against 400: conmon starts the log again every few lines
    rig.createContainer("capped", rig.spec("capped", "sh", "-c",
            "i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done; sleep 1000"),
        Map.of(ContainerLabels.LOG_MAX_SIZE, "400"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("capped").addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("capped").build());
    Path log = rig.state.resolve("logs/default/capped.log");
    List<String> followed = new ArrayList<>();
    Thread follower = new Thread(() -> {
      try {
        logs.read(ReadLogsRequest.newBuilder().setContainerId("capped").setFollow(true).build())
            .forEachRemaining(r -> r.getEntriesList().forEach(e -> {
              synchronized (followed) {
                followed.add(e.getData().toStringUtf8());
              }
            }));
      } catch (RuntimeException ended) {
        // the follow ends with the test
      }
    });
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("capped").build());
    follower.setDaemon(true);
    follower.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.readString(log).contains(" stdout F line-39\n") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String content = Files.readString(log);
    assertTrue(content.contains(" stdout F line-39\n") && !content.contains(" line-0\n"), "started again: " + content);
    assertTrue(content.length() <= 400, content);
    long followedUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < followedUntil) {
      synchronized (followed) {
        if (followed.contains("line-39")) {
          break;
        }
      }
      Thread.sleep(50);
    }
    synchronized (followed) {
      assertTrue(followed.contains("line-39"), "followed into the log started again: " + followed);
    }
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("capped").setSignal(9).build());
    exit.get(10, TimeUnit.SECONDS);
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("capped").build());
    rig.containersApi.delete(DeleteContainerRequest.newBuilder().setId("capped").build());
  }

  @Test
  void theMonitorWritesLogTimesInUtcWhateverBerthdsZone() throws Exception {
    ListenableFuture<WaitResponse> exit = startTask("utc", "echo now; sleep 1000");
    try {
      long conmon = ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().filter(c -> c.contains("conmon") && c.contains(" -c utc ")).isPresent())
          .findFirst().orElseThrow().pid();
      String environ = Files.readString(Path.of("/proc", Long.toString(conmon), "environ"));
      assertTrue(List.of(environ.split("\0")).contains("TZ=UTC"), environ);
      Path log = rig.state.resolve("logs/default/utc.log");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.readString(log).contains(" stdout F now") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.readString(log).matches("\\S+T\\S+\\.\\d{9}\\+00:00 stdout F now\n"), Files.readString(log));
    } finally {
      rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("utc").setSignal(9).build());
      exit.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNewTaskAppendsToTheLogOfTheRunsBefore() throws Exception {
    ListenableFuture<WaitResponse> exit = startTask("again", "echo first; echo oops >&2");
    assertEquals(0, exit.get(30, TimeUnit.SECONDS).getExitStatus());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("again").build());
    // the next run says something else, so that the two can be told apart
    rig.containersApi.update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("again")
            .setSpec(Specs.any(Specs.SPEC_TYPE, rig.spec("again", "echo", "second"))))
        .setUpdateMask(FieldMask.newBuilder().addPaths("spec")).build());

    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("again").addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> second = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("again").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("again").build());
    assertEquals(0, second.get(30, TimeUnit.SECONDS).getExitStatus());

    assertEquals(List.of("stdout first", "stderr oops", "stdout second"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("again"))));
    assertEquals(List.of("stderr oops", "stdout second"),
        lines(read(ReadLogsRequest.newBuilder().setContainerId("again").setTail(2))));
  }
}
