package dev.berth.tasks;

import com.google.protobuf.Any;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.tasks.runtime.TaskRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime without processes: containers are entries in a map, and a process ends when a
 * signal or the test says so, reported through its exit file as conmon reports it. Every runtime
 * name resolves; {@link #holdNextStart} makes a start hang as a stuck runc would.
 */
final class FakeRuntime implements TaskRuntime {
  private static final int SIGKILL = 9;

  private final class Process {
    final Path dir;
    volatile String state = "created";

    Process(Path dir) {
      this.dir = dir;
    }

    synchronized void exit(int status) {
      if (state.equals("stopped")) {
        return;
      }
      state = "stopped";
      try {
        Path persist = Files.createDirectories(dir.resolve("persist"));
        Path written = Files.writeString(persist.resolve("exit.tmp"), Integer.toString(status));
        // whole or not at all, as the watcher reads it the moment it appears
        Files.move(written, persist.resolve("exit"), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final AtomicInteger pids = new AtomicInteger(1000);
  private final Map<String, Process> containers = new ConcurrentHashMap<>();
  private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
  private final Path cgroup;
  private volatile CountDownLatch startGate;
  private volatile boolean startHeld;
  private volatile boolean deleteLeavesProcess;

  /** Cgroups are named under {@code cgroup} and never made: their statistics read as zero. */
  FakeRuntime(Path cgroup) {
    this.cgroup = cgroup;
  }

  /** The next start waits until the returned latch is counted down. */
  CountDownLatch holdNextStart() {
    startGate = new CountDownLatch(1);
    return startGate;
  }

  /** The next delete kills nothing: the process ends when the test says so, as a slow one would. */
  void deleteLeavesProcess() {
    deleteLeavesProcess = true;
  }

  /** Whether a start is waiting at the gate. */
  boolean startHeld() {
    return startHeld;
  }

  /** Ends container {@code id}'s init process with {@code status}. */
  void exit(String id, int status) {
    containers.get(id).exit(status);
  }

  /** Ends the process {@code pid} (an exec's) with {@code status}. */
  void exitProcess(int pid, int status) {
    processes.get(pid).exit(status);
  }

  @Override
  public RuntimeBinary resolve(String name, Optional<Any> options, Path root) {
    return new RuntimeBinary(name, Path.of("/fake/" + name), root);
  }

  @Override
  public Monitor create(Launch launch) {
    if (containers.containsKey(launch.containerId())) {
      throw Errors.alreadyExists("container %s exists in the runtime", launch.containerId());
    }
    Process p = new Process(launch.dir());
    containers.put(launch.containerId(), p);
    int pid = pids.incrementAndGet();
    processes.put(pid, p);
    return new Monitor(pid, 0, Optional.empty());
  }

  @Override
  public Monitor exec(Launch launch, AttachStep attach) throws IOException {
    attach.attached();
    Process p = new Process(launch.dir());
    p.state = "running";
    int pid = pids.incrementAndGet();
    processes.put(pid, p);
    return new Monitor(pid, 0, Optional.empty());
  }

  @Override
  public void start(RuntimeBinary runtime, String id, int pid) {
    CountDownLatch gate = startGate;
    startGate = null;
    if (gate != null) {
      startHeld = true;
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        startHeld = false;
      }
    }
    container(id).state = "running";
  }

  @Override
  public void kill(RuntimeBinary runtime, String id, int signal, boolean all) {
    Process p = container(id);
    if (p.state.equals("stopped")) {
      if (all) {
        return; // runc kill --all: no process left to signal is no error
      }
      throw Errors.notFound("process already finished");
    }
    p.exit(128 + signal);
  }

  @Override
  public void signal(int pid, int signal) {
    Process p = processes.get(pid);
    if (p == null || p.state.equals("stopped")) {
      throw Errors.notFound("process %d already finished", pid);
    }
    p.exit(128 + signal);
  }

  @Override
  public void pause(RuntimeBinary runtime, String id) {
    move(id, "running", "paused");
  }

  @Override
  public void resume(RuntimeBinary runtime, String id) {
    move(id, "paused", "running");
  }

  @Override
  public void update(RuntimeBinary runtime, String id, byte[] resources) {
    container(id);
  }

  @Override
  public String state(RuntimeBinary runtime, String id) {
    Process p = containers.get(id);
    return p == null ? "" : p.state;
  }

  @Override
  public void delete(RuntimeBinary runtime, String id) {
    Process p = deleteLeavesProcess ? containers.get(id) : containers.remove(id);
    if (p != null && !deleteLeavesProcess) {
      p.exit(128 + SIGKILL);
    }
    deleteLeavesProcess = false;
  }

  @Override
  public Map<String, Path> cgroups(int pid) {
    return Map.of(CgroupLayout.UNIFIED_KEY, cgroup.resolve("fake-" + pid));
  }

  /** Its processes have no monitors. */
  @Override
  public boolean isMonitorRunning(int monitorPid) {
    return false;
  }

  @Override
  public void awaitMonitorGone(int monitorPid) {
  }

  @Override
  public void resize(Path dir, int width, int height) {
  }

  @Override
  public void reopenLog(Path dir, Path log) {
  }

  private Process container(String id) {
    Process p = containers.get(id);
    if (p == null) {
      throw Errors.notFound("container %s does not exist", id);
    }
    return p;
  }

  private void move(String id, String from, String to) {
    Process p = container(id);
    synchronized (p) {
      if (!p.state.equals(from)) {
        throw Errors.failedPrecondition("container %s is not %s", id, from);
      }
      p.state = to;
    }
  }
}
