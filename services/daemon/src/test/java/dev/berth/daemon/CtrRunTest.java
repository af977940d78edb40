package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Stock {@code ctr} running busybox containers on berthd: runc under conmon, real namespaces and cgroups. */
class CtrRunTest {
  private static final String IMAGE = TestImages.BUSYBOX_NAME;
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;

  @BeforeAll
  static void importBusybox() throws Exception {
    Path archive = TestImages.busybox().writeDockerArchive(dir.resolve("busybox.tar"));
    assertEquals(0, ctr("images", "import", archive.toString()).exit());
  }

  @AfterAll
  static void removeContainers() throws Exception {
    for (String id : List.of("run-d", "run-t", "web")) {
      ctr("task", "kill", "-s", "SIGKILL", id);
      ctr("task", "rm", "-f", id);
      ctr("containers", "rm", id);
    }
  }

  private static Processes.Result ctr(String... args) throws Exception {
    return berthd.ctr(null, 60, args);
  }

  private static Processes.Result ok(String... args) throws Exception {
    Processes.Result r = ctr(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }

  @Test
  void runRemovePrintsOutputAndExitsZero() throws Exception {
    Processes.Result r = ok("run", "--rm", IMAGE, "echo-1", "echo", "hello");
    assertEquals("hello\n", r.out());
    assertFalse(ok("containers", "ls").out().contains("echo-1"));
  }

  @Test
  void exitCodeOfTheContainerIsCtrsExitCode() throws Exception {
    Processes.Result r = ctr("run", "--rm", IMAGE, "exit-3", "sh", "-c", "exit 3");
    assertEquals(3, r.exit(), r::toString);
  }

  @Test
  void pidOneHostnameAndOnlyLoopbackInsideTheContainer() throws Exception {
    Processes.Result r = ok("run", "--rm", IMAGE, "inside", "sh", "-c",
        "echo pid=$$; hostname; ls /sys/class/net");
    assertTrue(r.out().startsWith("pid=1\n"), r::toString);
    assertTrue(r.out().endsWith("lo\n"), r::toString);
  }

  @Test
  void detachedContainerListExecPauseMetricsKillRemove() throws Exception {
    ok("run", "-d", IMAGE, "run-d", "sleep", "1000");
    assertTrue(ok("task", "ls").out().lines().anyMatch(l -> l.startsWith("run-d") && l.contains("RUNNING")));
    assertTrue(ok("task", "ps", "run-d").out().lines().count() >= 2);
    assertEquals("hi\n", ok("task", "exec", "--exec-id", "e1", "run-d", "echo", "hi").out());
    ok("task", "pause", "run-d");
    assertTrue(ok("task", "ls").out().lines().anyMatch(l -> l.startsWith("run-d") && l.contains("PAUSED")));
    ok("task", "resume", "run-d");
    String metrics = ok("task", "metrics", "run-d").out();
    assertTrue(metrics.contains("memory.usage_in_bytes") || metrics.contains("memory.usage"), metrics);
    ok("task", "kill", "-s", "SIGKILL", "run-d");
    waitForStopped("run-d");
    ok("task", "rm", "run-d");
    ok("containers", "rm", "run-d");
    assertFalse(ok("containers", "ls").out().contains("run-d"));
  }

  @Test
  void terminalModeGivesTheProcessAPty() throws Exception {
    // ctr -t needs a terminal of its own: script(1) gives it one
    String command = "/usr/bin/ctr -a " + berthd.socket() + " run --rm -t " + IMAGE + " run-t sh -c 'test -t 0 && echo tty'";
    Processes.Result r = Processes.run(List.of("script", "-qec", command, "/dev/null"), null, 60);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("tty"), r::toString);
  }

  @Test
  void eventsShowTheTaskLifecycle() throws Exception {
    Path log = dir.resolve("events.log");
    Process events = new ProcessBuilder("/usr/bin/ctr", "-a", berthd.socket().toString(), "events")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Thread.sleep(500);
      ok("run", "--rm", IMAGE, "evented", "true");
      Thread.sleep(500);
    } finally {
      events.destroy();
      events.waitFor(5, TimeUnit.SECONDS);
    }
    String seen = java.nio.file.Files.readString(log);
    for (String topic : List.of("/containers/create", "/tasks/create", "/tasks/start", "/tasks/exit",
        "/tasks/delete", "/containers/delete")) {
      assertTrue(seen.contains(topic), topic + " missing in:\n" + seen);
    }
  }

  @Test
  void labelsPublishAPortOfABridgedContainer() throws Exception {
    ok("run", "-d", "--label", "io.berth.network=bridge", "--label", "io.berth.ports=18080:80", IMAGE, "web",
        "sh", "-c", "mkdir -p /www && echo served-by-berth > /www/index.html && exec httpd -f -p 80 -h /www");
    Processes.Result page = null;
    for (int i = 0; i < 50; i++) {
      page = Processes.run(List.of("ip", "netns", "exec", berthd.hostNetns(), "curl", "-s", "-m", "2",
          "http://127.0.0.1:18080/"), null, 10);
      if (page.exit() == 0) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("served-by-berth\n", page.out(), page::toString);
    ok("task", "kill", "-s", "SIGKILL", "web");
    waitForStopped("web");
    ok("task", "rm", "web");
    ok("containers", "rm", "web");
    Processes.Result closed = Processes.run(List.of("ip", "netns", "exec", berthd.hostNetns(), "curl", "-s", "-m", "2",
        "http://127.0.0.1:18080/"), null, 10);
    assertTrue(closed.exit() != 0, "the port closes with the task: " + closed);
  }

  @Test
  void hundredRunsLeaveNothingBehind() throws Exception {
    for (int i = 0; i < 5; i++) {
      ok("run", "--rm", IMAGE, "warm-" + i, "true");
    }
    long fds = openFileDescriptors();
    int threads = Thread.activeCount();
    for (int i = 0; i < 100; i++) {
      ok("run", "--rm", IMAGE, "leak-" + i, "true");
    }
    Thread.sleep(500);
    assertTrue(openFileDescriptors() <= fds + 8, "file descriptors " + openFileDescriptors() + " vs " + fds);
    assertTrue(Thread.activeCount() <= threads + 8, "threads " + Thread.activeCount() + " vs " + threads);
    Path state = berthd.socket().getParent();
    assertFalse(java.nio.file.Files.readString(Path.of("/proc/self/mounts")).contains(state + "/tasks"),
        "no rootfs stays mounted");
    try (var left = java.nio.file.Files.list(state.resolve("tasks/default"))) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("leak-")).toList(),
          "no bundle stays");
    }
    Processes.Result monitors = Processes.run(List.of("pgrep", "-f", "conmon.*-c leak-"), null, 10);
    assertEquals("", monitors.out().trim(), "no monitor stays");
    for (String controller : List.of("memory", "pids", "cpu")) {
      Path parent = Path.of("/sys/fs/cgroup", controller, "default");
      if (java.nio.file.Files.isDirectory(parent)) {
        try (var left = java.nio.file.Files.list(parent)) {
          assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("leak-")).toList(),
              "no " + controller + " cgroup stays");
        }
      }
    }
  }

  private static long openFileDescriptors() throws Exception {
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static void waitForStopped(String id) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (ok("task", "ls").out().lines().anyMatch(l -> l.startsWith(id) && l.contains("STOPPED"))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(id + " did not stop");
  }
}
