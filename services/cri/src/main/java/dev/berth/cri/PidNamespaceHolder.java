package dev.berth.cri;

import dev.berth.api.fs.AtomicFiles;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The process holding a pod's shared PID namespace ({@code pid: POD}), as a pause container does
 * in containerd: util-linux's {@code unshare --pid --fork} makes the namespace and forks into it,
 * as its PID 1, a one-line Perl loop (perl-base is essential on Debian) that sleeps, reaps the
 * zombies reparented to it on SIGCHLD and names itself {@value #NAME}. One process, so the pod's
 * containers see no other (a tini with a {@code sleep} child would show in their {@code pgrep
 * sleep}). It runs in a session of its own ({@code setsid}), so it outlives berthd, and its pid and start time are kept in a file, so a later berthd tells it from
 * a process that reused the pid. Killing it ends every process in the namespace (the kernel's
 * rule for a PID namespace's init).
 */
final class PidNamespaceHolder {
  private static final Logger LOG = Logger.getLogger(PidNamespaceHolder.class.getName());
  static final String NAME = "berth-pod";
  private static final List<String> COMMAND = List.of("setsid", "unshare", "--pid", "--fork", "--kill-child",
      "perl", "-e", "$0 = '" + NAME + "'; $SIG{CHLD} = sub { 1 while waitpid(-1, 1) > 0 }; sleep while 1");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final String pod;
  private final Path file;
  private final Set<String> unreadableLogged;

  /**
   * @param pod the pod's id, for the log
   * @param file where the holder's pid and start time are kept
   * @param unreadableLogged the pods whose unreadable record was logged already in this berthd's
   *     run: every listing and status reads the record, and the warning says it once per pod
   */
  PidNamespaceHolder(String pod, Path file, Set<String> unreadableLogged) {
    this.pod = pod;
    this.file = file;
    this.unreadableLogged = unreadableLogged;
  }

  /** Starts the holder and records it. */
  void start() throws IOException {
    Process launcher = new ProcessBuilder(COMMAND).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Optional<Long> init = initBelow(launcher.toHandle());
    while (init.isEmpty() && launcher.isAlive() && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(5_000_000);
      init = initBelow(launcher.toHandle());
    }
    if (init.isEmpty()) {
      launcher.destroyForcibly();
      throw Errors.internal(null, "%s did not start a PID namespace's init within %d s (exit: %s)", COMMAND,
          START_TIMEOUT.toSeconds(), launcher.isAlive() ? "still running" : launcher.exitValue());
    }
    String startTime = startTime(init.get()).orElseThrow(() -> Errors.internal(null,
        "the PID namespace holder %s ended as it started", COMMAND));
    try {
      AtomicFiles.write(file, (init.get() + " " + startTime + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // unrecorded, no later kill() could find it
      ProcessHandle.of(init.get()).ifPresent(ProcessHandle::destroyForcibly);
      throw e;
    }
  }

  /** Whether a holder was started and not killed since, whether or not it still runs. */
  boolean recorded() {
    return Files.exists(file);
  }

  /** The holder's pid while it is the process recorded, empty when none is recorded or it is gone. */
  Optional<Long> pid() {
    return running().map(Recorded::pid);
  }

  /**
   * The holder as the tasks service joins its PID namespace, {@code process:<pid>:<start-time>}
   * ({@link ContainerLabels#PID}), while it is the process recorded: the tasks service checks at
   * each task create that the process under that pid is still the one started then.
   */
  Optional<String> joinLabel() {
    return running().map(r -> ContainerLabels.JOINED_PROCESS_PREFIX + r.pid() + ":" + r.startTime());
  }

  private record Recorded(long pid, String startTime) {}

  /**
   * The holder recorded, while it runs. A record that cannot be read (garbled, cut short) names no
   * process this berthd can find: the holder is taken as gone, so the pod reads NOTREADY, its stop
   * and removal forget the record, and the other pods are not affected.
   */
  private Optional<Recorded> running() {
    Recorded r;
    try {
      String[] recorded = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      r = new Recorded(Long.parseLong(recorded[0]), recorded[1]);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (unreadableLogged.add(pod)) {
        LOG.warning("pod " + pod + ": cannot read its PID namespace holder's record " + file + " (" + e
            + "); its holder is taken as gone (not logged again for this pod until berthd restarts)");
      }
      return Optional.empty();
    }
    return startTime(r.pid()).filter(r.startTime()::equals).map(t -> r);
  }

  /** Kills the holder (and so every process in its namespace) and forgets it; nothing happens without one. */
  void kill() throws IOException {
    Optional<ProcessHandle> holder = pid().flatMap(ProcessHandle::of);
    if (holder.isPresent()) {
      holder.get().destroyForcibly();
      // looked at every 2 ms: onExit() polls a process that is not berthd's child at growing
      // intervals, which made a pod's stop wait some 300 ms for a holder gone in one
      Instant deadline = Instant.now().plus(KILL_TIMEOUT);
      while (holder.get().isAlive() && Instant.now().isBefore(deadline)) {
        LockSupport.parkNanos(2_000_000);
      }
      if (holder.get().isAlive()) {
        LOG.warning("the PID namespace holder " + holder.get().pid() + " did not end within "
            + KILL_TIMEOUT.toSeconds() + " s of SIGKILL");
      }
    }
    Files.deleteIfExists(file);
  }

  /**
   * The init of a new PID namespace among the launcher's descendants (setsid may fork before
   * unshare does): the process whose innermost pid is 1.
   */
  private static Optional<Long> initBelow(ProcessHandle launcher) {
    return launcher.descendants().map(ProcessHandle::pid).filter(PidNamespaceHolder::isNamespaceInit).findFirst();
  }

  private static boolean isNamespaceInit(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("NSpid:")).findFirst()
          .map(l -> l.substring("NSpid:".length()).trim().split("\\s+"))
          .filter(pids -> pids.length > 1 && pids[pids.length - 1].equals("1")).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** The process's start time in clock ticks since boot (stat's 22nd field), empty when it is gone. */
  private static Optional<String> startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // fields after the command, which is in parentheses and may hold spaces: the 3rd is the state
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(after[19]);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
