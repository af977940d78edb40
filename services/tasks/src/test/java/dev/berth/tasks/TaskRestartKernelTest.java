package dev.berth.tasks;

import dev.berth.tasks.testing.HostLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.logs.RotatedLogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * berthd going away does not take containers with it: conmon keeps them, their logs and their
 * exit status, and a new task manager on the same state directory takes over.
 */
class TaskRestartKernelTest {
  private static final int WAIT_SECONDS = 30;
  private static final Pattern NUMBERED_LINE = Pattern.compile(" line-([0-9]+)$");

  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();

  private void run(String id, String... args) {
    rig.createContainer(id, rig.spec(id, args));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
  }

  private Process get(String id) {
    return rig.tasksApi.get(GetRequest.newBuilder().setContainerId(id).build()).getProcess();
  }

  @Test
  void aLogWithOlderFilesIsRotatedAgainByTheNextManager() throws Exception {
    Path log = startNumberingLines("rotating");
    Path older = RotatedLogs.rotated(log, 1);
    await(() -> Files.exists(older), "rotated by the first manager");
    List<Integer> conmons = HostLeftovers.conmonsUnder(rig.state);
    assertEquals(1, conmons.size());
    List<String> args = List.of(Files.readString(Path.of("/proc", conmons.get(0).toString(), "cmdline")).split("\0"));
    assertEquals(Long.toString(LogLimits.BACKSTOP_FLOOR), args.get(args.indexOf("--log-size-max") + 1),
        "conmon's backstop for while berthd is down");

    rig.shutdown();
    // nobody rotates meanwhile: conmon writes past the size into whichever file it has open
    // (<log>.1 if the shutdown landed mid-rotation)
    long before = totalSize(log);
    await(() -> totalSize(log) >= before + 600, "conmon writes on");
    Object grown = fileKey(log);
    rig.reopen();
    // with no log (mid-rotation) the next manager first has conmon open one
    Object toRotate = grown != null ? grown : awaitFileKey(log, "a new log");
    await(() -> toRotate.equals(fileKey(older)), "the log past its size rotated by the next manager");
    assertTrue(Files.exists(RotatedLogs.rotated(log, 2)));
    stop("rotating");
    assertLinesFollowOn(log);
  }

  @Test
  void aRotationCutShortByBerthdsDeathIsFinishedByTheNextManager() throws Exception {
    Path log = startNumberingLines("cut");
    Path older = RotatedLogs.rotated(log, 1);
    await(() -> Files.exists(older), "rotated by the first manager");

    rig.shutdown();
    cutARotationShort(log);
    rig.reopen();
    Object reopened = awaitFileKey(log, "the next manager has conmon open a new log at once");
    await(() -> reopened.equals(fileKey(older)), "and rotates on");
    stop("cut");
    assertLinesFollowOn(log);
  }

  @Test
  void aCompressionCutShortByBerthdsDeathIsFinishedByTheNextManager() throws Exception {
    Path log = startNumberingLines("gz", Map.of(ContainerLabels.LOG_COMPRESS, "true"));
    Path plain = RotatedLogs.rotated(log, 1);
    Path gz = RotatedLogs.compressed(log, 1);
    await(() -> Files.exists(gz), "rotated and compressed by the first manager");

    rig.shutdown();
    if (!Files.exists(plain)) {
      // as a berthd that died between the compressed copy's rename and the plain file's removal;
      // else it died before compressing its last rotation's file, which is as much to finish
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
        Files.copy(in, plain);
      }
    }
    rig.reopen();
    await(() -> !Files.exists(plain) && Files.exists(gz), "the next manager removes the plain copy");
    await(() -> Files.exists(RotatedLogs.compressed(log, 2)), "and rotates and compresses on");
    stop("gz");
    assertLinesFollowOn(log);
  }

  /** Starts a container printing numbered lines into a log that berthd rotates at 400 bytes, keeping 3 files. */
  private Path startNumberingLines(String id) {
    return startNumberingLines(id, Map.of());
  }

  private Path startNumberingLines(String id, Map<String, String> labels) {
    Map<String, String> all = new HashMap<>(labels);
    all.put(ContainerLabels.LOG_MAX_SIZE, "400");
    all.put(ContainerLabels.LOG_MAX_FILE, "3");
    rig.createContainer(id, rig.spec(id, "sh", "-c", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.05; done"),
        all);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
    return rig.state.resolve("logs/default/" + id + ".log");
  }

  /** Kills {@code id} and waits for its end, after which nobody rotates its log. */
  private void stop(String id) throws Exception {
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId(id).setSignal(9).build());
    rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId(id).build()).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Leaves {@code log} as a berthd that dies mid-rotation does: renamed to {@code <log>.1} and
   * conmon never asked for a new one, so it writes on into {@code <log>.1}. The shutdown may
   * have landed there already; a new log conmon opens on an order given just before it is
   * renamed too.
   */
  private static void cutARotationShort(Path log) throws Exception {
    Path older = RotatedLogs.rotated(log, 1);
    long[] sizeAtCut = {-1};
    await(() -> {
      if (Files.exists(log)) {
        RotatedLogs.shift(log, 3);
        sizeAtCut[0] = -1;
      }
      if (sizeAtCut[0] < 0) {
        sizeAtCut[0] = Files.size(older);
      }
      return Files.size(older) >= sizeAtCut[0] + 200 && !Files.exists(log);
    }, "conmon writes on into " + older);
  }

  /** The numbered lines in the files kept, oldest first, follow on: none lost, none twice. */
  private static void assertLinesFollowOn(Path log) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    for (Path file : RotatedLogs.oldestFirst(log)) {
      if (Files.exists(file)) {
        for (String line : readLines(file)) {
          Matcher m = NUMBERED_LINE.matcher(line);
          if (m.find()) {
            numbers.add(Integer.parseInt(m.group(1)));
          }
        }
      }
    }
    assertFalse(numbers.isEmpty(), "no lines in " + log);
    assertEquals(IntStream.range(numbers.get(0), numbers.get(0) + numbers.size()).boxed().toList(), numbers);
  }

  private static List<String> readLines(Path file) throws IOException {
    if (!file.getFileName().toString().endsWith(".gz")) {
      return Files.readAllLines(file);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static long totalSize(Path log) throws IOException {
    long total = 0;
    for (Path file : RotatedLogs.oldestFirst(log)) {
      try {
        total += Files.size(file);
      } catch (NoSuchFileException e) {
        // mid-rotation
      }
    }
    return total;
  }

  /** Waits for {@code file}, giving its identity (its inode), which a rename keeps. */
  private static Object awaitFileKey(Path file, String what) throws Exception {
    Object[] key = {null};
    await(() -> (key[0] = fileKey(file)) != null, what);
    return key[0];
  }

  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** A condition on files that a rename may take from under it. */
  private interface FileCondition {
    boolean holds() throws IOException;
  }

  /** Waits for {@code condition}, each wait with its own deadline, generous for a loaded machine. */
  private static void await(FileCondition condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(20);
    }
  }

  @Test
  void containersOutliveTheManagerAndReportExitsThatHappenedMeanwhile() throws Exception {
    rig.createContainer("keeper", rig.spec("keeper", "sh", "-c", "while true; do echo tick; sleep 0.1; done"));
    Path keeperOut = rig.fifo("keeper-out");
    CompletableFuture<String> beforeRestart = FifoReader.firstLine(keeperOut);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("keeper").addRootfs(rig.rootfsMount())
        .setStdout(keeperOut.toString()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("keeper").build());
    assertEquals("tick", beforeRestart.get(10, TimeUnit.SECONDS));
    Instant quitterStarts = Instant.now();
    run("quitter", "sh", "-c", "sleep 0.5; exit 7");
    run("paused", "sleep", "1000");
    rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("paused").build());
    rig.createContainer("waiting", rig.spec("waiting", "echo", "late start"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("waiting").addRootfs(rig.rootfsMount()).build());
    int keeperPid = get("keeper").getPid();

    rig.shutdown();
    // the reader waits in open() well before the new manager re-attaches, which drops a FIFO nobody has open
    CompletableFuture<String> afterRestart = FifoReader.firstLine(keeperOut);
    // down long enough that the quitter's exit, half a second after its start, is older than a
    // prompt one when the new manager reads it: its time is then the exit file's
    Thread.sleep(Math.max(1200, Duration.between(Instant.now(), quitterStarts.plusMillis(2500)).toMillis()));
    long logged = Files.size(rig.state.resolve("logs/default/keeper.log"));
    Instant up = Instant.now();
    rig.reopen();
    assertEquals("tick", afterRestart.get(10, TimeUnit.SECONDS), "output relayed again after the restart");

    assertEquals(List.of("keeper", "paused", "quitter", "waiting"), rig.tasksApi.list(ListTasksRequest.getDefaultInstance())
        .getTasksList().stream().map(Process::getContainerId).toList());
    Process quitter = get("quitter");
    assertEquals(Status.STOPPED, quitter.getStatus());
    assertEquals(7, quitter.getExitStatus());
    Instant exitedAt = Instant.ofEpochSecond(quitter.getExitedAt().getSeconds(), quitter.getExitedAt().getNanos());
    // the time of the exit itself, not of the new manager finding it; on a loaded machine the exit
    // may come before the old manager is shut down
    assertTrue(exitedAt.isAfter(quitterStarts.plusMillis(400)) && exitedAt.isBefore(up),
        "exit time recorded: " + exitedAt + ", quitter started " + quitterStarts + ", up " + up);
    assertEquals(7, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("quitter").build()).getExitStatus());

    Process keeper = get("keeper");
    assertEquals(Status.RUNNING, keeper.getStatus());
    assertEquals(keeperPid, keeper.getPid());
    Thread.sleep(300);
    assertTrue(Files.size(rig.state.resolve("logs/default/keeper.log")) > logged, "conmon kept logging");
    Path out = rig.fifo("exec-out");
    CompletableFuture<String> text = FifoReader.readAll(out);
    rig.tasksApi.exec(ExecProcessRequest.newBuilder().setContainerId("keeper").setExecId("after").setStdout(out.toString())
        .setSpec(Specs.any(Specs.PROCESS_TYPE, Specs.process("echo", "still here"))).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("keeper").setExecId("after").build());
    assertEquals("still here\n", text.get(10, TimeUnit.SECONDS));

    ListenableFuture<WaitResponse> keeperExit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("keeper").build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("keeper").setSignal(9).build());
    assertEquals(137, keeperExit.get(20, TimeUnit.SECONDS).getExitStatus());

    // found paused from its frozen cgroup, and the runtime resumes it
    assertEquals(Status.PAUSED, get("paused").getStatus());
    rig.tasksApi.resume(ResumeTaskRequest.newBuilder().setContainerId("paused").build());
    assertEquals(Status.RUNNING, get("paused").getStatus());
    ListenableFuture<WaitResponse> pausedExit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("paused").build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("paused").setSignal(9).build());
    assertEquals(137, pausedExit.get(20, TimeUnit.SECONDS).getExitStatus());

    assertEquals(Status.CREATED, get("waiting").getStatus());
    ListenableFuture<WaitResponse> lateExit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("waiting").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("waiting").build());
    assertEquals(0, lateExit.get(20, TimeUnit.SECONDS).getExitStatus());

    for (String id : List.of("keeper", "paused", "quitter", "waiting")) {
      DeleteResponse deleted = rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
      assertEquals(id.equals("keeper") || id.equals("paused") ? 137 : id.equals("quitter") ? 7 : 0, deleted.getExitStatus());
    }
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
    assertEquals(List.of(), HostLeftovers.conmonsUnder(rig.state));
    assertEquals(List.of(), Files.list(rig.state.resolve("tasks/default")).toList());
  }

  @Test
  void aShareableDevShmWhoseContainerEndedWhileBerthdWasDownIsUnmountedWhenTheExitIsFound() throws Exception {
    rig.createContainer("donor", rig.spec("donor", "sleep", "1000"),
        Map.of(ContainerLabels.IPC, ContainerLabels.IPC_SHAREABLE));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("donor").addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("donor").build());
    Path shm = rig.state.resolve("tasks/default/donor/shm").toRealPath();
    assertEquals(List.of(shm), HostLeftovers.mountsUnder(shm), "the shareable tmpfs in its bundle");
    ProcessHandle sleeper = ProcessHandle.of(get("donor").getPid()).orElseThrow();

    rig.shutdown();
    sleeper.destroyForcibly();
    sleeper.onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
    rig.reopen();
    for (Instant end = Instant.now().plusSeconds(WAIT_SECONDS);
        get("donor").getStatus() != Status.STOPPED && Instant.now().isBefore(end); ) {
      Thread.sleep(20);
    }
    assertEquals(Status.STOPPED, get("donor").getStatus());
    assertEquals(List.of(), HostLeftovers.mountsUnder(shm), "its memory is not held until the task is deleted");
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("donor").build());
  }

  @Test
  void anExitKeepsItsTimeAcrossARestart() throws Exception {
    rig.createContainer("brief", rig.spec("brief", "sh", "-c", "exit 3"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("brief").addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("brief").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("brief").build());
    assertEquals(3, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    Process before = get("brief");

    rig.shutdown();
    rig.reopen();
    Process after = get("brief");
    assertEquals(Status.STOPPED, after.getStatus());
    assertEquals(before.getExitedAt(), after.getExitedAt(), "dated as before, not by the exit file's coarse time");
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("brief").build());
  }

  /** What a berthd killed during a Delete, or by a machine crash, leaves: a torn task record, discarded bundles. */
  @Test
  void aTornRecordAndDiscardedBundlesGoAtTheNextStart() throws Exception {
    rig.createContainer("torn", rig.spec("torn", "true"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("torn").addRootfs(rig.rootfsMount()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("torn").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("torn").build());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    Path bundle = rig.state.resolve("tasks/default/torn");

    rig.shutdown();
    Files.writeString(bundle.resolve("state.json"), "{\"namespace\":\"def");
    Path discarded = Files.createDirectories(rig.state.resolve("trash/left-behind/rootfs"));
    Files.writeString(discarded.resolve("file"), "x");
    rig.reopen();

    assertEquals(List.of(), rig.tasksApi.list(ListTasksRequest.getDefaultInstance()).getTasksList());
    assertTrue(Files.notExists(bundle), "the bundle of the torn record is removed");
    assertTrue(Files.notExists(rig.state.resolve("runc/default/torn")), "and the runtime's state of it");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.list(rig.state.resolve("trash")).findAny().isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), Files.list(rig.state.resolve("trash")).toList(), "the trash is emptied");
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
  }
}
