package dev.berth.cri;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.logging.Logger;

/**
 * The IPC and UTS namespaces a pod's containers share, without a process to hold them: made by
 * util-linux's {@code unshare}, which bind-mounts each onto a file under
 * {@code <state>/cri/pods/<sandbox-id>/}, as {@code ip netns} and the network service pin network
 * namespaces. The UTS namespace gets the pod's hostname when made. Containers join them by path;
 * unpinning unmounts and deletes the files (a namespace lives on while a container is in it).
 * A PID namespace cannot be pinned that way (a pinned one whose init ended takes no new process):
 * a pod sharing one gets a {@link PidNamespaceHolder}, recorded in the same directory and killed
 * on unpinning, which containers join by its identity.
 */
final class PodNamespaces {
  private static final Logger LOG = Logger.getLogger(PodNamespaces.class.getName());
  private static final long COMMAND_SECONDS = 10;

  private final Path dir;
  private final List<Consumer<String>> holderEndListeners = new CopyOnWriteArrayList<>();
  /** The pods whose running holder is watched, so that none is watched twice. */
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Set<String> unreadableHolderRecordsLogged = ConcurrentHashMap.newKeySet();

  /** @param dir where the pins go: berthd's state directory, as they must not outlive a reboot */
  PodNamespaces(Path dir) {
    this.dir = dir;
  }

  /**
   * Tells {@code listener} the pod's id when a PID namespace holder ends, however it ends
   * (StopPodSandbox's kill, a kill from outside), as containerd's sandbox exit monitor hears of
   * its pause container's end. A holder's watch ends with it, and unpinning kills it, so a removed
   * pod leaves no watch behind.
   */
  void whenHolderEnds(Consumer<String> listener) {
    holderEndListeners.add(listener);
  }

  /**
   * Watches the holders that run already: those of pods made before this berthd started. A pod
   * whose holder's record cannot be read is logged and left unwatched ({@link PidNamespaceHolder}
   * takes its holder as gone): it must not keep the others from being watched, nor berthd's CRI
   * from starting.
   */
  void watchRunningHolders() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> pods = Files.list(dir)) {
      pods.map(pod -> pod.getFileName().toString()).forEach(this::watchHolder);
    } catch (IOException e) {
      LOG.warning("cannot list the pods under " + dir + " to watch their PID namespace holders: " + e.getMessage());
    }
  }

  /**
   * The holder is not berthd's child (it runs in a session of its own, and may be a berthd's
   * before this one), so its end is polled for by the JDK's onExit.
   */
  private void watchHolder(String sandboxId) {
    pidHolder(sandboxId).pid().flatMap(ProcessHandle::of).ifPresent(holder -> {
      if (watched.add(sandboxId)) {
        holder.onExit().thenRun(() -> {
          watched.remove(sandboxId);
          holderEndListeners.forEach(l -> l.accept(sandboxId));
        });
      }
    });
  }

  /**
   * Whether the pod's directory is here: made on this boot, as the state directory does not
   * outlive a reboot; a pod sharing all the node's namespaces has none.
   */
  boolean keptOnThisBoot(String sandboxId) {
    return Files.isDirectory(dir.resolve(sandboxId));
  }

  Path ipc(String sandboxId) {
    return dir.resolve(sandboxId).resolve("ipc");
  }

  Path uts(String sandboxId) {
    return dir.resolve(sandboxId).resolve("uts");
  }

  /** The pod's /dev/shm, a tmpfs its containers share as they share its IPC namespace. */
  Path shm(String sandboxId) {
    return dir.resolve(sandboxId).resolve("shm");
  }

  /**
   * The pod's /dev/shm if its tmpfs is mounted: a pod made before pods had one, or whose tmpfs is
   * gone (unmounted, the host restarted), has none, and a bare directory there would give its
   * containers an unlimited /dev/shm on berthd's state file system.
   */
  Optional<Path> mountedShm(String sandboxId) {
    Path shm = shm(sandboxId);
    return mounted(shm) ? Optional.of(shm) : Optional.empty();
  }

  private PidNamespaceHolder pidHolder(String sandboxId) {
    return new PidNamespaceHolder(sandboxId, dir.resolve(sandboxId).resolve("pid-holder"),
        unreadableHolderRecordsLogged);
  }

  /** The pid of the process holding the pod's PID namespace, while it runs. */
  Optional<Long> holderPid(String sandboxId) {
    return pidHolder(sandboxId).pid();
  }

  /** The pod's PID namespace holder as a container joins it ({@link PidNamespaceHolder#joinLabel}), while it runs. */
  Optional<String> holderJoinLabel(String sandboxId) {
    return pidHolder(sandboxId).joinLabel();
  }

  /**
   * Whether the pod had a PID namespace holder that is gone (killed from outside, or the node
   * rebooted) while the pod was not stopped: what containerd sees as its pause container ended.
   */
  boolean pidHolderGone(String sandboxId) {
    PidNamespaceHolder holder = pidHolder(sandboxId);
    return holder.recorded() && holder.pid().isEmpty();
  }

  /**
   * The pod's shared PID namespace as a container joins it, its holder named for the tasks service
   * ({@link PidNamespaceHolder#joinLabel}), which checks it again at each task create; FAILED_PRECONDITION
   * when the holder is gone (killed from outside, or the node rebooted).
   */
  String pid(String sandboxId) {
    return pidHolder(sandboxId).joinLabel().orElseThrow(() -> Errors.failedPrecondition(
        "the process holding pod %s's PID namespace is gone: stop and remove the pod", sandboxId));
  }

  /**
   * The PID namespace of a pod that keeps one of its own apart from its containers' ({@code pid:
   * CONTAINER}), for a container that asks for the pod's ({@code POD}): as containerd's pause
   * container has one, whose namespace such a container joins. Its holder is started for the
   * first container asking and lives until the pod stops, so a pod costs no process unless a
   * container asks.
   */
  synchronized String pidOnDemand(String sandboxId) {
    PidNamespaceHolder holder = pidHolder(sandboxId);
    if (!holder.recorded()) {
      try {
        Files.createDirectories(dir.resolve(sandboxId));
        holder.start();
        watchHolder(sandboxId);
      } catch (IOException e) {
        throw Errors.internal(e, "cannot start the holder of pod %s's PID namespace: %s", sandboxId, e.getMessage());
      }
    }
    return pid(sandboxId);
  }

  /**
   * Makes and pins the pod's namespaces: IPC and its /dev/shm unless {@code hostIpc}, UTS with {@code hostname}
   * unless {@code hostUts}, and a PID namespace with its holder if {@code sharedPid}.
   */
  void pin(String sandboxId, boolean hostIpc, boolean hostUts, String hostname, boolean sharedPid) {
    if (hostIpc && hostUts && !sharedPid) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("unshare"));
    try {
      Files.createDirectories(dir.resolve(sandboxId));
      if (sharedPid) {
        pidHolder(sandboxId).start();
        watchHolder(sandboxId);
      }
      if (!hostIpc) {
        Files.write(ipc(sandboxId), new byte[0]);
        command.add("--ipc=" + ipc(sandboxId));
        // POSIX shared memory lives in /dev/shm: one for the pod, as its System V IPC is, with
        // the size and options of containerd's sandbox shm
        Files.createDirectories(shm(sandboxId));
        run(List.of("mount", "-t", "tmpfs", "-o", "nosuid,nodev,noexec,mode=1777,size=65536k", "shm",
            shm(sandboxId).toString()));
      }
      if (!hostUts) {
        Files.write(uts(sandboxId), new byte[0]);
        command.add("--uts=" + uts(sandboxId));
        command.addAll(List.of("hostname", hostname));
      } else {
        command.add("true");
      }
      if (!hostIpc || !hostUts) {
        run(command);
      }
    } catch (IOException | RuntimeException e) {
      unpin(sandboxId);
      throw e instanceof IOException io ? Errors.internal(io, "cannot pin the namespaces of pod %s: %s", sandboxId,
          io.getMessage()) : (RuntimeException) e;
    }
  }

  /** Unmounts and deletes what {@link #pin} made; nothing happens for a pod without pins. */
  void unpin(String sandboxId) {
    Path pod = dir.resolve(sandboxId);
    try {
      pidHolder(sandboxId).kill();
    } catch (IOException e) {
      throw Errors.internal(e, "cannot forget the PID namespace holder of pod %s: %s", sandboxId, e.getMessage());
    }
    for (Path pin : List.of(ipc(sandboxId), uts(sandboxId), shm(sandboxId))) {
      if (mounted(pin)) {
        run(List.of("umount", pin.toString()));
      }
    }
    try {
      Files.deleteIfExists(ipc(sandboxId));
      Files.deleteIfExists(uts(sandboxId));
      Files.deleteIfExists(shm(sandboxId));
      Files.deleteIfExists(pod);
    } catch (IOException e) {
      LOG.warning("cannot delete " + pod + ": " + e.getMessage());
    }
  }

  private static boolean mounted(Path path) {
    try {
      String target = " " + path + " ";
      return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
          .anyMatch(l -> l.contains(target));
    } catch (IOException e) {
      throw Errors.internal(e, "cannot read /proc/self/mountinfo: %s", e.getMessage());
    }
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw Errors.internal(null, "%s did not finish within %d s", command, COMMAND_SECONDS);
      }
      if (p.exitValue() != 0) {
        throw Errors.internal(null, "%s failed (exit %d): %s", command, p.exitValue(), output);
      }
    } catch (IOException e) {
      throw Errors.internal(e, "cannot run %s: %s", command, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.internal(e, "interrupted running %s", command);
    }
  }
}
