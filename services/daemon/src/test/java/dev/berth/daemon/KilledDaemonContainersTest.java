package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import dev.berth.client.testing.TestImages;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthd killed with SIGKILL while containers run: they go on running and logging under their
 * monitors, and the next berthd knows them, including the real exit status of one that ended
 * while no berthd was there, and every other one running; a restart-policy container whose task
 * it created and never started is started by the next one.
 */
class KilledDaemonContainersTest {
  private static final String IMAGE = TestImages.BUSYBOX_NAME;
  /** Containers that only sleep, recovered side by side with the others. */
  private static final List<String> SLEEPERS = List.of("sleeper-1", "sleeper-2", "sleeper-3", "sleeper-4", "sleeper-5");
  @TempDir Path dir;
  private Path root;
  private Path state;
  private Path socket;
  private Path log;
  private Path archive;

  /** One berthd's places, which each test's daemons share in turn, and the image they import. */
  @BeforeEach
  void places() throws Exception {
    root = dir.resolve("root");
    state = dir.resolve("s");
    socket = state.resolve("berth.sock");
    log = dir.resolve("berthd.log");
    archive = TestImages.busybox().writeDockerArchive(dir.resolve("busybox.tar"));
  }

  private Processes.Result ctr(Path socket, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/ctr", "-a", socket.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, null, 60);
  }

  private Processes.Result ok(Path socket, String... args) throws Exception {
    Processes.Result r = ctr(socket, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }

  /** Waits until this daemon answers: the socket file of a killed one may still be there. */
  private void awaitSocket(Path socket, java.lang.Process daemon) throws Exception {
    for (int i = 0; i < 300; i++) {
      assertTrue(daemon.isAlive(), "berthd exited early");
      if (Files.exists(socket) && ctr(socket, "version").exit() == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("berthd did not answer on " + socket);
  }

  private static String taskLine(String listing, String id) {
    return listing.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElse("");
  }

  @Test
  void containersOutliveAKilledDaemonAndTheNextOneKnowsThem() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-k9")) {
      java.lang.Process first = Processes.startDaemon(root, state, netns.path(), log);
      java.lang.Process second = null;
      try {
        awaitSocket(socket, first);
        ok(socket, "images", "import", archive.toString());
        ok(socket, "run", "-d", IMAGE, "survivor", "sh", "-c", "while true; do echo tick; sleep 0.2; done");
        ok(socket, "run", "-d", IMAGE, "ender", "sh", "-c", "sleep 2; exit 7");
        for (String id : SLEEPERS) {
          ok(socket, "run", "-d", IMAGE, id, "sleep", "1000");
        }
        String pid = taskLine(ok(socket, "task", "ls").out(), "survivor").split("\\s+")[1];

        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Path containerLog = findLog(state, "survivor");
        long sizeAtKill = Files.size(containerLog);
        Thread.sleep(3000);
        assertTrue(Files.exists(Path.of("/proc", pid)), "the container's process runs on without berthd");
        assertTrue(Files.size(containerLog) > sizeAtKill, "and its output is still logged");

        second = Processes.startDaemon(root, state, netns.path(), log);
        awaitSocket(socket, second);
        String listing = ok(socket, "task", "ls").out();
        assertTrue(taskLine(listing, "survivor").contains("RUNNING"), listing);
        assertTrue(taskLine(listing, "ender").contains("STOPPED"), listing);
        for (String id : SLEEPERS) {
          assertTrue(taskLine(listing, id).contains("RUNNING"), listing);
        }
        ManagedChannel channel = Channels.unix(socket);
        try {
          Process ender = TasksGrpc.newBlockingStub(channel)
              .get(GetRequest.newBuilder().setContainerId("ender").build()).getProcess();
          assertEquals(7, ender.getExitStatus(), "the exit status recorded while no berthd ran");
          assertTrue(ender.getExitedAt().getSeconds() > 0);
        } finally {
          channel.shutdownNow();
        }
        ok(socket, "task", "rm", "ender");
        assertEquals("hi\n", ok(socket, "task", "exec", "--exec-id", "after", "survivor", "echo", "hi").out());
        ok(socket, "task", "kill", "-s", "SIGKILL", "survivor");
        for (int i = 0; i < 100 && !taskLine(ok(socket, "task", "ls").out(), "survivor").contains("STOPPED"); i++) {
          Thread.sleep(50);
        }
        ok(socket, "task", "rm", "survivor");
        ok(socket, "containers", "rm", "survivor", "ender");
      } finally {
        first.destroyForcibly().waitFor();
        if (second == null || !second.isAlive()) {
          // whatever failed, a berthd must be there to take the containers down
          second = Processes.startDaemon(root, state, netns.path(), log);
          awaitSocket(socket, second);
        }
        List<String> all = new ArrayList<>(List.of("survivor", "ender"));
        all.addAll(SLEEPERS);
        for (String id : all) {
          ctr(socket, "task", "kill", "-s", "SIGKILL", id);
        }
        Thread.sleep(500);
        for (String id : all) {
          ctr(socket, "task", "rm", "-f", id);
          ctr(socket, "containers", "rm", id);
        }
        if (second != null) {
          second.destroy();
          second.waitFor(10, TimeUnit.SECONDS);
          second.destroyForcibly().waitFor();
        }
        first.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aRestartPolicyTaskAKilledDaemonCreatedButNeverStartedRunsUnderTheNextOne() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-k9c")) {
      java.lang.Process first = Processes.startDaemon(root, state, netns.path(), log);
      java.lang.Process second = null;
      try {
        awaitSocket(socket, first);
        ok(socket, "images", "import", archive.toString());
        // what a start leaves when berthd dies between its Tasks.Create and Tasks.Start
        ok(socket, "containers", "create", "--label", ContainerLabels.RESTART_POLICY + "=always",
            "--label", ContainerLabels.RESTART_STATUS + "=" + ContainerLabels.RUNNING, IMAGE, "halfway", "sleep", "1000");
        ManagedChannel channel = Channels.unix(socket);
        try {
          TasksGrpc.newBlockingStub(Channels.inNamespace(channel, "default"))
              .create(CreateTaskRequest.newBuilder().setContainerId("halfway").build());
        } finally {
          channel.shutdownNow();
        }
        assertTrue(taskLine(ok(socket, "task", "ls").out(), "halfway").contains("CREATED"));
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        second = Processes.startDaemon(root, state, netns.path(), log);
        awaitSocket(socket, second);
        String line = "";
        for (int i = 0; i < 200 && !line.contains("RUNNING"); i++) {
          Thread.sleep(50);
          line = taskLine(ok(socket, "task", "ls").out(), "halfway");
        }
        assertTrue(line.contains("RUNNING"), "the next berthd starts it: " + line);
      } finally {
        first.destroyForcibly().waitFor();
        if (second == null || !second.isAlive()) {
          second = Processes.startDaemon(root, state, netns.path(), log);
          awaitSocket(socket, second);
        }
        // stopped first, as berthctl's rm -f marks it: else the restart monitor starts it again
        // while it is removed, and its new task's rootfs stays mounted
        ctr(socket, "containers", "label", "halfway", ContainerLabels.RESTART_STATUS + "=" + ContainerLabels.STOPPED);
        ctr(socket, "task", "kill", "-s", "SIGKILL", "halfway");
        Thread.sleep(500);
        ctr(socket, "task", "rm", "-f", "halfway");
        ctr(socket, "containers", "rm", "halfway");
        second.destroy();
        second.waitFor(10, TimeUnit.SECONDS);
        second.destroyForcibly().waitFor();
      }
    }
  }

  private static Path findLog(Path state, String id) {
    try (var files = Files.walk(state)) {
      // the container's CRI log, not conmon's own diagnostics beside it
      return files.filter(p -> p.getFileName().toString().endsWith(".log") && p.toString().contains(id))
          .filter(p -> !p.getFileName().toString().equals("conmon.log"))
          .findFirst().orElseThrow(() -> new AssertionError("no log file for " + id + " under " + state));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
