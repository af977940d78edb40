package dev.berth.tasks;

import dev.berth.tasks.testing.HostLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.CreateTaskResponse;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.MetricsRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.tasks.v1.CloseIORequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.io.AttachRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs short-lived containers through the Tasks API the way `ctr run --rm` does, on runc under conmon. */
class TaskLifecycleKernelTest {
  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();

  @Test
  void echoHelloReachesTheStdoutFifoAndExitsZero() throws Exception {
    rig.createContainer("hello", rig.spec("hello", "echo", "hello"));
    Path stdout = rig.fifo("stdout");
    Path stderr = rig.fifo("stderr");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    CompletableFuture<String> err = FifoReader.readAll(stderr);

    CreateTaskResponse created = rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("hello")
        .addRootfs(rig.rootfsMount()).setStdout(stdout.toString()).setStderr(stderr.toString()).build());
    assertTrue(created.getPid() > 0);
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("hello").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("hello").build());

    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals("hello\n", out.get(10, TimeUnit.SECONDS));
    assertEquals("", err.get(10, TimeUnit.SECONDS));
    Path bundle = rig.state.resolve("tasks/default/hello");
    Path log = rig.state.resolve("logs/default/hello.log");
    assertTrue(Files.readString(log).matches("(?s)\\S+ stdout F hello\n"), "CRI log line expected");

    DeleteResponse deleted = rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("hello").build());
    assertEquals(0, deleted.getExitStatus());
    assertTrue(Files.notExists(bundle), "bundle removed");
    assertTrue(Files.exists(log), "the log stays with the container");
    assertEquals(java.util.List.of(), HostLeftovers.mountsUnder(rig.state));
    assertEquals(java.util.List.of(), HostLeftovers.conmonsUnder(rig.state));
    assertEquals(java.util.List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"),
        rig.events.topics().stream().filter(t -> t.startsWith("/tasks/")).toList());
  }

  @Test
  void muchOutputReachesItsFifosWholeAndApart() throws Exception {
    rig.createContainer("loud", rig.spec("loud", "sh", "-c", "seq 1 200000; seq 1 5000 >&2; seq 5 9"));
    Path stdout = rig.fifo("stdout");
    Path stderr = rig.fifo("stderr");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    CompletableFuture<String> err = FifoReader.readAll(stderr);
    WaitResponse exit = run("loud", CreateTaskRequest.newBuilder().setStdout(stdout.toString())
        .setStderr(stderr.toString()));
    assertEquals(0, exit.getExitStatus());
    assertEquals(numbers(1, 200000) + numbers(5, 9), out.get(10, TimeUnit.SECONDS));
    assertEquals(numbers(1, 5000), err.get(10, TimeUnit.SECONDS));
  }

  private static String numbers(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      b.append(i).append('\n');
    }
    return b.toString();
  }

  private WaitResponse run(String id, CreateTaskRequest.Builder request) throws Exception {
    rig.tasksApi.create(request.setContainerId(id).addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId(id).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
    return exit.get(30, TimeUnit.SECONDS);
  }

  @Test
  void exitStatusReachesWaitWithoutAnyIo() throws Exception {
    rig.createContainer("three", rig.spec("three", "sh", "-c", "exit 3"));
    WaitResponse exit = run("three", CreateTaskRequest.newBuilder());
    assertEquals(3, exit.getExitStatus());
    DeleteResponse deleted = rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("three").build());
    assertEquals(3, deleted.getExitStatus());
    assertEquals(exit.getExitedAt(), deleted.getExitedAt());
  }

  @Test
  void anEndedTaskTakesAKillOfAllAndReportsItsMetricsUntilDeleted() throws Exception {
    // as containerd's: runc kill --all finds no process and succeeds, and the cgroup stays until the delete
    rig.createContainer("ended", rig.spec("ended", "true"));
    assertEquals(0, run("ended", CreateTaskRequest.newBuilder()).getExitStatus());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("ended").setSignal(9).setAll(true).build());
    MetricsRequest byId = MetricsRequest.newBuilder().addFilters("id==ended").build();
    assertEquals(1, rig.tasksApi.metrics(byId).getMetricsCount());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("ended").build());
    assertEquals(0, rig.tasksApi.metrics(byId).getMetricsCount());
  }

  @Test
  void outputReachesAReaderThatOpensTheFifoAfterTheFirstOneLeft() throws Exception {
    // ctr start -d reads until it exits; ctr task attach later opens the same FIFO and reads on
    rig.createContainer("ticker", rig.spec("ticker", "sh", "-c",
        "i=0; while [ $i -lt 20 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done"));
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> first = FifoReader.firstLine(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("ticker").addRootfs(rig.rootfsMount())
        .setStdout(stdout.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("ticker").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("ticker").build());
    assertEquals("tick 0", first.get(10, TimeUnit.SECONDS));
    Thread.sleep(500); // ticks written while nobody reads: the relay finds the reader gone

    CompletableFuture<String> attached = FifoReader.readAll(stdout);
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    String text = attached.get(10, TimeUnit.SECONDS);
    assertTrue(text.endsWith("tick 19\n"), text);
  }

  @Test
  void aFifoNobodyReadsIsProbedForAReaderAtMostEveryTenthOfASecond() throws Exception {
    // some 500 messages over a second or two with nobody reading: an open() each would cost a chatty process's CPU
    rig.createContainer("chatty", rig.spec("chatty", "sh", "-c",
        "echo first; sleep 0.3; i=0; while [ $i -lt 500 ]; do echo tick $i; i=$((i+1)); usleep 2000; done"));
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> first = FifoReader.firstLine(stdout);
    Logger relayLog = Logger.getLogger(AttachRelay.class.getName());
    AtomicInteger probes = new AtomicInteger();
    Handler counter = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage().contains("nobody reads")) {
          probes.incrementAndGet();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level level = relayLog.getLevel();
    relayLog.setLevel(Level.FINE);
    relayLog.addHandler(counter);
    try {
      rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("chatty").addRootfs(rig.rootfsMount())
          .setStdout(stdout.toString()).build());
      ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("chatty").build());
      long startedAt = System.nanoTime();
      rig.tasksApi.start(StartRequest.newBuilder().setContainerId("chatty").build());
      assertEquals("first", first.get(10, TimeUnit.SECONDS));
      assertEquals(0, exit.get(30, TimeUnit.SECONDS).getExitStatus());
      long tenths = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt) / 100;
      assertTrue(probes.get() <= tenths + 2, probes + " probes in " + tenths + " tenths of a second");
    } finally {
      relayLog.removeHandler(counter);
      relayLog.setLevel(level);
    }
  }

  @Test
  void stdinIsRelayedUntilTheClientClosesIt() throws Exception {
    rig.createContainer("cat", rig.spec("cat", "cat"));
    Path stdin = rig.fifo("stdin");
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("cat").addRootfs(rig.rootfsMount())
        .setStdin(stdin.toString()).setStdout(stdout.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("cat").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("cat").build());
    Files.writeString(stdin, "typed in\n");
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals("typed in\n", out.get(10, TimeUnit.SECONDS));
  }

  @Test
  void outputGoesToAFileUri() throws Exception {
    rig.createContainer("logged", rig.spec("logged", "sh", "-c", "echo out; echo err >&2"));
    Path log = rig.dir.resolve("logged.txt");
    WaitResponse exit = run("logged", CreateTaskRequest.newBuilder().setStdout("file://" + log).setStderr("file://" + log));
    assertEquals(0, exit.getExitStatus());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("logged").build());
    String text = Files.readString(log);
    assertTrue(text.contains("out\n") && text.contains("err\n"), text);
  }

  @Test
  void terminalModeGivesAResizablePty() throws Exception {
    ObjectNode spec = rig.spec("tty", "sh", "-c", "tty; stty size");
    ((ObjectNode) spec.get("process")).put("terminal", true);
    rig.createContainer("tty", spec);
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("tty").addRootfs(rig.rootfsMount())
        .setTerminal(true).setStdout(stdout.toString()).build());
    rig.tasksApi.resizePty(ResizePtyRequest.newBuilder().setContainerId("tty").setWidth(77).setHeight(22).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("tty").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("tty").build());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals("/dev/pts/0\r\n22 77\r\n", out.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aResizeAskedBeforeTheStartIsThereWhenTheProgramFirstReadsIt() throws Exception {
    ObjectNode spec = rig.spec("tty-early", "sh", "-c", "stty size");
    ((ObjectNode) spec.get("process")).put("terminal", true);
    rig.createContainer("tty-early", spec);
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    CreateTaskResponse created = rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("tty-early")
        .addRootfs(rig.rootfsMount()).setTerminal(true).setStdout(stdout.toString()).build());
    // the monitor held still, as a loaded machine may keep it, until the program has read its size
    long monitor = ProcessHandle.of(created.getPid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
    signal("STOP", monitor);
    try {
      ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("tty-early")
          .build());
      rig.tasksApi.resizePty(ResizePtyRequest.newBuilder().setContainerId("tty-early").setWidth(77).setHeight(22)
          .build());
      rig.tasksApi.start(StartRequest.newBuilder().setContainerId("tty-early").build());
      Thread.sleep(500);
      signal("CONT", monitor);
      assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
      assertEquals("22 77\r\n", out.get(10, TimeUnit.SECONDS));
    } finally {
      // gone once it has seen the end, or held still still if the test failed before
      new ProcessBuilder("kill", "-CONT", Long.toString(monitor)).start().waitFor();
    }
  }

  private static void signal(String name, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor());
  }

  @Test
  void outOfMemoryKillIsReported() throws Exception {
    ObjectNode spec = rig.spec("hog", "sh", "-c", "tail /dev/zero");
    ObjectNode memory = ((ObjectNode) spec.path("linux").path("resources")).putObject("memory");
    memory.put("limit", 24L << 20).put("swap", 24L << 20);
    rig.createContainer("hog", spec);
    WaitResponse exit = run("hog", CreateTaskRequest.newBuilder());
    assertEquals(137, exit.getExitStatus(), "the shell reports its OOM-killed child");
    assertEquals("true", rig.containers.get("default", "hog").getLabelsMap().get(ContainerLabels.OOM_KILLED),
        "the kill is on the container's record once its exit is known");
    assertTrue(rig.events.await("/tasks/oom", java.time.Duration.ofSeconds(10)).isPresent(), "oom event");

    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("hog").build());
    assertEquals("true", rig.containers.get("default", "hog").getLabelsMap().get(ContainerLabels.OOM_KILLED),
        "the kill outlives the task");
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("hog").addRootfs(rig.rootfsMount()).build());
    assertFalse(rig.containers.get("default", "hog").getLabelsMap().containsKey(ContainerLabels.OOM_KILLED),
        "a new task starts without it");
  }

  @Test
  void aCreatedTaskCanBeDeletedWithoutEverStarting() throws Exception {
    rig.createContainer("never", rig.spec("never", "echo", "never printed"));
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("never").addRootfs(rig.rootfsMount())
        .setStdout(stdout.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("never").build());
    DeleteResponse deleted = rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("never").build());
    assertEquals(137, deleted.getExitStatus());
    assertEquals(137, exit.get(10, TimeUnit.SECONDS).getExitStatus());
    assertEquals("", out.get(10, TimeUnit.SECONDS));
    assertEquals(java.util.List.of(), HostLeftovers.mountsUnder(rig.state));
    assertEquals(java.util.List.of(), HostLeftovers.conmonsUnder(rig.state));
  }

  @Test
  void stdinWrittenBeforeCloseIoArrivesWhole() throws Exception {
    rig.createContainer("drained", rig.spec("drained", "cat"));
    Path stdin = rig.fifo("stdin");
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("drained").addRootfs(rig.rootfsMount())
        .setStdin(stdin.toString()).setStdout(stdout.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("drained").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("drained").build());
    // more than conmon takes in one message, and still partly in the FIFO when CloseIO comes
    String text = "0123456789abcdef\n".repeat(12_000);
    try (var writer = Files.newOutputStream(stdin)) {
      writer.write(text.getBytes());
    }
    rig.tasksApi.closeIO(CloseIORequest.newBuilder().setContainerId("drained").setStdin(true).build());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals(text.length(), out.get(10, TimeUnit.SECONDS).length());
  }

  @Test
  void closeIoEndsStdinWhileTheClientStillHoldsItOpen() throws Exception {
    rig.createContainer("closer", rig.spec("closer", "cat"));
    Path stdin = rig.fifo("stdin");
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("closer").addRootfs(rig.rootfsMount())
        .setStdin(stdin.toString()).setStdout(stdout.toString()).build());
    try (var writer = Files.newOutputStream(stdin)) {
      ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("closer").build());
      rig.tasksApi.start(StartRequest.newBuilder().setContainerId("closer").build());
      writer.write("before close\n".getBytes());
      writer.flush();
      Thread.sleep(200);
      rig.tasksApi.closeIO(CloseIORequest.newBuilder().setContainerId("closer").setStdin(true).build());
      assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    }
    assertEquals("before close\n", out.get(10, TimeUnit.SECONDS));
  }
}
