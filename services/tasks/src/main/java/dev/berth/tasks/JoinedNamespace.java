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
 * process has that PID now, which after the donor's end may be one of the host's. The CRI's pods
 * name the process holding their PID namespace, which is no container's, by its identity instead:
 * {@code process:<pid>:<start-time>}, joined only while the process under that PID has that start
 * time.
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
    PID("pid", ContainerLabels.PID, "PID", Set.of(), true),
    /**
     * A donor in the host's IPC namespace ({@code --ipc host}) is joined as Docker joins it, with
     * the host's /dev/shm, what {@code --ipc host} gives any container; others only when made
     * shareable or when they joined one that was, as Docker allows such chains. Never a bare
     * process's: a container joining one needs its /dev/shm, which only a donor task has.
     */
    IPC("ipc", ContainerLabels.IPC, "IPC", Set.of(ContainerLabels.IPC_SHAREABLE), false);

    private final String type;
    private final String label;
    private final String name;
    /** The label's values that join no other container's namespace. */
    private final Set<String> ownModes;
    /** Whether the label may name a process ({@link ContainerLabels#JOINED_PROCESS_PREFIX}). */
    private final boolean joinsProcesses;

    Kind(String type, String label, String name, Set<String> ownModes, boolean joinsProcesses) {
      this.type = type;
      this.label = label;
      this.name = name;
      this.ownModes = ownModes;
      this.joinsProcesses = joinsProcesses;
    }
  }

  private final Kind kind;
  /** The donor as messages name it: {@code container <id>}, or a process with its start time. */
  private final String donor;
  private final ProcessIdentity process;
  private final String namespace;
  private final StillTheDonor still;
  /** IPC's: the donor's /dev/shm on the host. */
  private final Optional<Path> shm;

  private JoinedNamespace(Kind kind, String donor, ProcessIdentity process, String namespace, StillTheDonor still,
      Optional<Path> shm) {
    this.kind = kind;
    this.donor = donor;
    this.process = process;
    this.namespace = namespace;
    this.still = still;
    this.shm = shm;
  }

  /** The cgroup directories, by controller, a process is in, as the runtime tells a task's ({@code TaskRuntime#cgroups}). */
  @FunctionalInterface
  interface CgroupsOf {
    Map<String, Path> of(int pid) throws IOException;
  }

  /** What, beyond its identity, tells that the process under the donor's PID is still the donor (a task's cgroups). */
  @FunctionalInterface
  private interface StillTheDonor {
    boolean holds() throws IOException;
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
      String mode = container.getLabelsMap().getOrDefault(kind.label, "").strip();
      if (mode.isEmpty() || kind.ownModes.contains(mode)) {
        continue;
      }
      if (kind.joinsProcesses && mode.startsWith(ContainerLabels.JOINED_PROCESS_PREFIX)) {
        joined.add(ofProcess(kind, mode));
      } else if (mode.startsWith(ContainerLabels.JOINED_CONTAINER_PREFIX)
          && mode.length() > ContainerLabels.JOINED_CONTAINER_PREFIX.length()) {
        joined.add(ofContainer(kind, mode.substring(ContainerLabels.JOINED_CONTAINER_PREFIX.length()), tasks, records,
            cgroups));
      } else {
        throw invalidMode(kind, mode);
      }
    }
    return joined;
  }

  private static BerthException invalidMode(Kind kind, String mode) {
    Stream<String> joins = kind.joinsProcesses
        ? Stream.of(ContainerLabels.JOINED_CONTAINER_PREFIX + "<id>", ContainerLabels.JOINED_PROCESS_PREFIX + "<pid>:<start-time>")
        : Stream.of(ContainerLabels.JOINED_CONTAINER_PREFIX + "<id>");
    String takes = Stream.concat(kind.ownModes.stream(), joins).collect(Collectors.joining(" or "));
    return Errors.invalidArgument("invalid %s mode: %s (label %s takes %s)", kind.name, mode, kind.label, takes);
  }

  private static JoinedNamespace ofContainer(Kind kind, String donorId, Function<String, Optional<Task>> tasks,
      Function<String, Container> records, CgroupsOf cgroups) {
    String who = "container " + donorId;
    try {
      records.apply(donorId);
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        throw Errors.failedPrecondition("failed to join %s namespace: No such container: %s", kind.name, donorId);
      }
      throw e;
    }
    Task donor = tasks.apply(donorId).filter(t -> RUNNING.contains(t.init.status()))
        .orElseThrow(() -> notRunning(kind, who));
    if (donor.cgroups.isEmpty()) {
      throw Errors.failedPrecondition("failed to join %s namespace: container %s has no cgroup of its own,"
          + " by which berthd tells its process from another that took its PID", kind.name, donorId);
    }
    int pid = donor.init.pid();
    // the donor's record still names that process, which is in its cgroups: it did not end
    StillTheDonor still = () -> donor.init.pid() == pid && RUNNING.contains(donor.init.status())
        && donor.cgroups.equals(cgroups.of(pid));
    return lookUp(kind, who, pid, still, host -> kind == Kind.IPC ? Optional.of(SharedShm.of(donor, host)
        .orElseThrow(() -> Errors.invalidArgument("failed to join IPC namespace: container %s: non-shareable IPC"
            + " (hint: use IpcMode:shareable for the donor container)", donorId))) : Optional.empty());
  }

  /**
   * A process named by its PID and start time: while the process under that PID was started then,
   * it is the one named; a process the kernel gave that PID to since started later. One that ends
   * as the runtime joins its namespace is no risk either: the kernel forks no process into a PID
   * namespace whose init has ended, so the runtime's create fails.
   */
  private static JoinedNamespace ofProcess(Kind kind, String mode) {
    String[] named = mode.substring(ContainerLabels.JOINED_PROCESS_PREFIX.length()).split(":", -1);
    int pid;
    long startTime;
    try {
      pid = Integer.parseInt(named[0]);
      startTime = Long.parseLong(named[1]);
    } catch (RuntimeException e) {
      throw invalidMode(kind, mode);
    }
    if (named.length != 2 || pid <= 0) {
      throw invalidMode(kind, mode);
    }
    String who = "process " + pid + " (started " + startTime + " clock ticks after boot)";
    return lookUp(kind, who, pid, () -> ProcessIdentity.of(pid).startTime() == startTime, host -> Optional.empty());
  }

  /**
   * The donor's process {@code pid} and namespace, read while {@code still} holds before and after;
   * the host's PID namespace is refused, and {@code shmOf} tells IPC's /dev/shm, given whether the
   * donor is in the host's namespace.
   */
  private static JoinedNamespace lookUp(Kind kind, String who, int pid, StillTheDonor still,
      Function<Boolean, Optional<Path>> shmOf) {
    try {
      if (!still.holds()) {
        throw notRunning(kind, who);
      }
      ProcessIdentity process = ProcessIdentity.of(pid);
      String namespace = namespaceOf(kind, pid);
      if (!still.holds()) {
        throw notRunning(kind, who);
      }
      boolean host = namespace.equals(namespaceOf(kind, (int) ProcessHandle.current().pid()));
      if (kind == Kind.PID && host) {
        throw Errors.failedPrecondition("failed to join %s namespace: %s shares the host's %s namespace,"
            + " which berthd does not let another container join", kind.name, who, kind.name);
      }
      return new JoinedNamespace(kind, who, process, namespace, still, shmOf.apply(host));
    } catch (IOException e) {
      throw notRunning(kind, who);
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
   * donor's cgroups (a task's); the caller then removes the task. The donor's /dev/shm is its task's while
   * that process runs: berthd unmounts it only after the process ended.
   */
  void verify(int pid) {
    try {
      if (!namespace.equals(namespaceOf(kind, pid))) {
        throw notRunning(kind, donor);
      }
      if (!process.equals(ProcessIdentity.of(process.pid())) || !namespace.equals(namespaceOf(kind, process.pid()))
          || !still.holds()) {
        throw notRunning(kind, donor);
      }
    } catch (IOException e) {
      throw notRunning(kind, donor);
    }
  }

  /** The kernel's name of the process's namespace, {@code TYPE:[INODE]}, unique among those that exist. */
  private static String namespaceOf(Kind kind, int pid) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", kind.type)).toString();
  }

  private static BerthException notRunning(Kind kind, String who) {
    return Errors.failedPrecondition("failed to join %s namespace: %s is not running", kind.name, who);
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
