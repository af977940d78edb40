package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.spec.OciSpec;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Docker's {@code --pid container:NAME} and {@code --ipc container:NAME} for any client: a
 * container whose record carries {@link ContainerLabels#PID} or {@link ContainerLabels#IPC}
 * {@code container:<id>} joins that namespace of that container's task (and, for IPC, its
 * /dev/shm: {@link SharedShm}). The donor is looked up by id at every task create, whoever asks
 * for it (a client's start, berthd's restart monitor, after berthd itself restarted), never
 * through a process id kept from an earlier start: {@code /proc/PID/ns/TYPE} names whatever
 * process has that PID now, which after the donor's end may be one of the host's.
 *
 * <p>berthd learns of the donor's end only when conmon's exit file is seen, a while after the
 * kernel freed its PID for another process, perhaps another container's. So the process found by
 * that PID must be in the donor task's cgroups, at the look-up and again after the runtime's
 * create. The donor may still end between the look-up and the runtime's setns, and its PID be
 * given to another process, so the created task is checked before anyone sees it: it must be in
 * the namespace read from the donor, and the donor's process (PID, parent, start time) and
 * namespace the same as at the look-up.
 */
final class JoinedNamespace {
  private static final Set<ProcessStatus> RUNNING = EnumSet.of(ProcessStatus.RUNNING, ProcessStatus.PAUSED);

  /** The namespaces a container may join another's of, each asked for by a label of its own. */
  enum Kind {
    /** The host's PID namespace is never joined this way: a donor running in it is refused. */
    PID("pid", ContainerLabels.PID, "PID", Set.of()),
    /**
     * A donor in the host's IPC namespace ({@code --ipc host}) is joined as Docker joins it, with
     * the host's /dev/shm, what {@code --ipc host} gives any container; others only when made
     * shareable or when they joined one that was, as Docker allows such chains.
     */
    IPC("ipc", ContainerLabels.IPC, "IPC", Set.of(ContainerLabels.IPC_SHAREABLE));

    private final String type;
    private final String label;
    private final String name;
    /** The label's values that join no other container's namespace. */
    private final Set<String> ownModes;

    Kind(String type, String label, String name, Set<String> ownModes) {
      this.type = type;
      this.label = label;
      this.name = name;
      this.ownModes = ownModes;
    }
  }

  private final Kind kind;
  private final String donorId;
  private final Task donor;
  private final ProcessIdentity process;
  private final String namespace;
  private final CgroupsOf cgroups;
  /** IPC's: the donor's /dev/shm on the host. */
  private final Optional<Path> shm;

  private JoinedNamespace(Kind kind, String donorId, Task donor, ProcessIdentity process, String namespace,
      CgroupsOf cgroups, Optional<Path> shm) {
    this.kind = kind;
    this.donorId = donorId;
    this.donor = donor;
    this.process = process;
    this.namespace = namespace;
    this.cgroups = cgroups;
    this.shm = shm;
  }

  /** The cgroup directories, by controller, a process is in, as the runtime tells a task's ({@code TaskRuntime#cgroups}). */
  @FunctionalInterface
  interface CgroupsOf {
    Map<String, Path> of(int pid) throws IOException;
  }

  /**
   * The namespaces the container's labels ask to join, none without them; refused in Docker's
   * daemon's words when a donor is not there or not running (FAILED_PRECONDITION) or cannot be
   * joined (INVALID_ARGUMENT, as Docker's).
   *
   * @param tasks the task of a container of the same namespace, once recovered, if it has one
   * @param records the record of a container; fails with NOT_FOUND when there is none of that id
   * @param cgroups tells whether the process holding the donor's PID is still the donor's
   */
  static List<JoinedNamespace> of(Container container, Function<String, Optional<Task>> tasks,
      Function<String, Container> records, CgroupsOf cgroups) {
    List<JoinedNamespace> joined = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      donorId(kind, container).ifPresent(donorId -> joined.add(of(kind, donorId, tasks, records, cgroups)));
    }
    return joined;
  }

  private static Optional<String> donorId(Kind kind, Container container) {
    String mode = container.getLabelsMap().getOrDefault(kind.label, "").strip();
    if (mode.isEmpty() || kind.ownModes.contains(mode)) {
      return Optional.empty();
    }
    if (!mode.startsWith(ContainerLabels.JOINED_CONTAINER_PREFIX)
        || mode.length() == ContainerLabels.JOINED_CONTAINER_PREFIX.length()) {
      String takes = Stream.concat(kind.ownModes.stream(), Stream.of(ContainerLabels.JOINED_CONTAINER_PREFIX + "<id>"))
          .collect(Collectors.joining(" or "));
      throw Errors.invalidArgument("invalid %s mode: %s (label %s takes %s)", kind.name, mode, kind.label, takes);
    }
    return Optional.of(mode.substring(ContainerLabels.JOINED_CONTAINER_PREFIX.length()));
  }

  private static JoinedNamespace of(Kind kind, String donorId, Function<String, Optional<Task>> tasks,
      Function<String, Container> records, CgroupsOf cgroups) {
    try {
      records.apply(donorId);
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        throw Errors.failedPrecondition("failed to join %s namespace: No such container: %s", kind.name, donorId);
      }
      throw e;
    }
    Task donor = tasks.apply(donorId).filter(t -> RUNNING.contains(t.init.status()))
        .orElseThrow(() -> notRunning(kind, donorId));
    if (donor.cgroups.isEmpty()) {
      throw Errors.failedPrecondition("failed to join %s namespace: container %s has no cgroup of its own,"
          + " by which berthd tells its process from another that took its PID", kind.name, donorId);
    }
    int pid = donor.init.pid();
    try {
      if (!donor.cgroups.equals(cgroups.of(pid))) {
        throw notRunning(kind, donorId);
      }
      ProcessIdentity process = ProcessIdentity.of(pid);
      String namespace = namespaceOf(kind, pid);
      // the donor's record still names that process: it did not end before the reads
      if (donor.init.pid() != pid || !RUNNING.contains(donor.init.status())) {
        throw notRunning(kind, donorId);
      }
      boolean host = namespace.equals(namespaceOf(kind, (int) ProcessHandle.current().pid()));
      Optional<Path> shm = Optional.empty();
      if (kind == Kind.IPC) {
        shm = Optional.of(SharedShm.of(donor, host).orElseThrow(() -> Errors.invalidArgument(
            "failed to join IPC namespace: container %s: non-shareable IPC (hint: use IpcMode:shareable for the donor container)",
            donorId)));
      } else if (host) {
        throw Errors.failedPrecondition("failed to join %s namespace: container %s shares the host's %s namespace,"
            + " which berthd does not let another container join", kind.name, donorId, kind.name);
      }
      return new JoinedNamespace(kind, donorId, donor, process, namespace, cgroups, shm);
    } catch (IOException e) {
      throw notRunning(kind, donorId);
    }
  }

  /** Points the spec at the donor's namespace, by the PID read at the look-up, and at its /dev/shm for IPC. */
  void pointAt(OciSpec spec) {
    spec.joinNamespace(kind.type, "/proc/" + process.pid() + "/ns/" + kind.type);
    shm.ifPresent(s -> SharedShm.bindInto(spec, s));
  }

  /** IPC's: binds the donor's /dev/shm in the joining task's bundle, so that others may join it in turn ({@link SharedShm#bindForJoiners}). */
  void keepShmIn(Path bundle) throws IOException {
    if (shm.isPresent()) {
      SharedShm.bindForJoiners(shm.get(), bundle);
    }
  }

  /**
   * Refuses (FAILED_PRECONDITION) unless the created task's process {@code pid} is in the
   * donor's namespace and the donor's process is the one of the look-up, still in it and in the
   * donor's cgroups; the caller then removes the task. The donor's /dev/shm is its task's while
   * that process runs: berthd unmounts it only after the process ended.
   */
  void verify(int pid) {
    try {
      if (!namespace.equals(namespaceOf(kind, pid))) {
        throw notRunning(kind, donorId);
      }
      if (!process.equals(ProcessIdentity.of(process.pid())) || !namespace.equals(namespaceOf(kind, process.pid()))
          || !donor.cgroups.equals(cgroups.of(process.pid()))
          || donor.init.pid() != process.pid() || !RUNNING.contains(donor.init.status())) {
        throw notRunning(kind, donorId);
      }
    } catch (IOException e) {
      throw notRunning(kind, donorId);
    }
  }

  /** The kernel's name of the process's namespace, {@code TYPE:[INODE]}, unique among those that exist. */
  private static String namespaceOf(Kind kind, int pid) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", kind.type)).toString();
  }

  private static BerthException notRunning(Kind kind, String donorId) {
    return Errors.failedPrecondition("failed to join %s namespace: container %s is not running", kind.name, donorId);
  }

  /** A process as the kernel tells it from another of the same PID: its parent and start time (clock ticks since boot). */
  record ProcessIdentity(int pid, int parent, long startTime) {
    static ProcessIdentity of(int pid) throws IOException {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      // the command name in parentheses may hold spaces: the fields that follow are after its last ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      try {
        return new ProcessIdentity(pid, Integer.parseInt(fields[1]), Long.parseLong(fields[19]));
      } catch (RuntimeException e) {
        throw new IOException("unreadable /proc/" + pid + "/stat: " + stat, e);
      }
    }
  }
}
