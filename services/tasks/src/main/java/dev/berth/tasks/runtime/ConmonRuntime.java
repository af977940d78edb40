package dev.berth.tasks.runtime;

import com.google.protobuf.Any;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Containers run by an OCI runtime (runc, crun) under conmon: conmon runs the runtime's create
 * and exec and monitors the process; the runtime's own commands do the rest.
 */
public final class ConmonRuntime implements TaskRuntime {
  private static final int SIGKILL = 9;
  private static final long MONITOR_EXIT_MILLIS = 2000;
  private static final Logger LOG = Logger.getLogger(ConmonRuntime.class.getName());

  private final RuntimeConfig config;
  private final CgroupLayout cgroups;
  private final RuntimeResolver resolver;
  private final Conmon conmon;

  public ConmonRuntime(RuntimeConfig config, CgroupLayout cgroups) {
    this.config = config;
    this.cgroups = cgroups;
    this.resolver = new RuntimeResolver(config, cgroups);
    this.conmon = new Conmon(config.conmon(), config.timeout());
  }

  @Override
  public RuntimeBinary resolve(String name, Optional<Any> options, Path root) {
    return new RuntimeBinary(name, resolver.binaryFor(name, options), root);
  }

  @Override
  public Monitor create(Launch launch) throws IOException {
    return conmon.create(launch);
  }

  @Override
  public Monitor exec(Launch launch, AttachStep attach) throws IOException {
    return conmon.exec(launch, attach);
  }

  @Override
  public void start(RuntimeBinary runtime, String id, int pid) {
    if (!RuncShortcuts.start(runtime, id, pid, config.timeout())) {
      oci(runtime).start(id);
    }
  }

  @Override
  public void kill(RuntimeBinary runtime, String id, int signal, boolean all) {
    oci(runtime).kill(id, signal, all);
  }

  @Override
  public void signal(int pid, int signal) {
    try {
      Syscalls.kill(pid, signal);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ESRCH) {
        throw Errors.notFound("process %d already finished", pid);
      }
      throw RuntimeErrors.unknown("kill process %d: %s", pid, e.getMessage());
    }
  }

  @Override
  public void pause(RuntimeBinary runtime, String id) {
    oci(runtime).pause(id);
  }

  @Override
  public void resume(RuntimeBinary runtime, String id) {
    oci(runtime).resume(id);
  }

  @Override
  public void update(RuntimeBinary runtime, String id, byte[] resources) {
    oci(runtime).update(id, resources);
  }

  @Override
  public String state(RuntimeBinary runtime, String id) {
    return oci(runtime).state(id);
  }

  @Override
  public Optional<Boolean> awaitsStart(RuntimeBinary runtime, String id) {
    return RuncShortcuts.awaitsStart(runtime, id);
  }

  @Override
  public void delete(RuntimeBinary runtime, String id) {
    oci(runtime).delete(id, true);
  }

  @Override
  public void deleteStopped(RuntimeBinary runtime, String id, Path bundle) {
    if (!RuncShortcuts.deleteStopped(runtime, id, bundle)) {
      oci(runtime).delete(id, true);
    }
  }

  @Override
  public Map<String, Path> cgroups(int pid) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    // the runtime's own cgroup (where berthd runs) is no task cgroup: keep only the ones created for it
    Map<String, Path> ours = cgroups.cgroupDirs((int) ProcessHandle.current().pid());
    cgroups.cgroupDirs(pid).forEach((controller, dir) -> {
      if (!dir.equals(ours.get(controller))) {
        dirs.put(controller, dir);
      }
    });
    return dirs;
  }

  @Override
  public boolean isMonitorRunning(int monitorPid) {
    return Monitors.isRunning(monitorPid);
  }

  /** conmon ends right after writing the exit file; one that does not is killed, unless its pid is no conmon's any more. */
  @Override
  public void awaitMonitorGone(int monitorPid) {
    if (monitorPid <= 0) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MONITOR_EXIT_MILLIS);
    while (Monitors.isRunning(monitorPid)) {
      if (System.nanoTime() > deadline) {
        if (Monitors.isConmon(monitorPid)) {
          LOG.warning("conmon " + monitorPid + " did not end; killing it");
          try {
            Syscalls.kill(monitorPid, SIGKILL);
          } catch (ErrnoException e) {
            LOG.warning(e.getMessage());
          }
        }
        return;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** conmon's control fifo takes "1 rows cols" to resize the terminal. */
  @Override
  public void resize(Path dir, int width, int height) {
    try {
      Syscalls.writeToFifoNow(dir.resolve("ctl"), ("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (ErrnoException e) {
      throw Errors.failedPrecondition("cannot resize the terminal: %s", e.getMessage());
    }
  }

  /** conmon's control fifo takes "2" to close its log file and open the one at its path again. */
  @Override
  public void reopenLog(Path dir, Path log) {
    try {
      LogFileMode.createReopened(log);
    } catch (IOException e) {
      throw Errors.failedPrecondition("cannot reopen the log %s: %s", log, e.getMessage());
    }
    try {
      Syscalls.writeToFifoNow(dir.resolve("ctl"), "2 0 0\n".getBytes(StandardCharsets.US_ASCII));
    } catch (ErrnoException e) {
      try {
        Files.deleteIfExists(LogFileMode.reopened(log));
      } catch (IOException gone) {
        e.addSuppressed(gone);
      }
      throw Errors.failedPrecondition("cannot reopen the log: %s", e.getMessage());
    }
  }

  private OciRuntime oci(RuntimeBinary runtime) {
    return new OciRuntime(runtime, config.timeout());
  }
}
