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
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Docker's {@code --pid container:NAME} for any client: a container whose record carries
 * {@link ContainerLabels#PID} {@code container:<id>} joins the PID namespace of that container's
 * task. The donor is looked up by id at every task create, whoever asks for it (a client's start,
 * berthd's restart monitor, after berthd itself restarted), never through a process id kept from
 * an earlier start: {@code /proc/PID/ns/pid} names whatever process has that PID now, which after
 * the donor's end may be one of the host's.
 *
 * <p>berthd learns of the donor's end only when conmon's exit file is seen, a while after the
 * kernel freed its PID for another process, perhaps another container's. So the process found by
 * that PID must be in the donor task's cgroups, at the look-up and again after the runtime's
 * create. The donor may still end between the look-up and the runtime's setns, and its PID be
 * given to another process, so the created task is checked before anyone sees it: it must be in
 * the namespace read from the donor, and the donor's process (PID, parent, start time) and
 * namespace the same as at the look-up. The host's own namespace is never joined this way.
 */
final class JoinedPidNamespace {
  private static final Set<ProcessStatus> RUNNING = EnumSet.of(ProcessStatus.RUNNING, ProcessStatus.PAUSED);

  private final String donorId;
  private final Task donor;
  private final ProcessIdentity process;
  private final String namespace;
  private final CgroupsOf cgroups;

  private JoinedPidNamespace(String donorId, Task donor, ProcessIdentity process, String namespace, CgroupsOf cgroups) {
    this.donorId = donorId;
    this.donor = donor;
    this.process = process;
    this.namespace = namespace;
    this.cgroups = cgroups;
  }

  /** The cgroup directories, by controller, a process is in, as the runtime tells a task's ({@code TaskRuntime#cgroups}). */
  @FunctionalInterface
  interface CgroupsOf {
    Map<String, Path> of(int pid) throws IOException;
  }

  /**
   * The namespace the container's label asks to join, empty without the label; refused in Docker's
   * daemon's words (FAILED_PRECONDITION) when the donor is not there or not running.
   *
   * @param tasks the task of a container of the same namespace, once recovered, if it has one
   * @param record fails with NOT_FOUND when there is no container of that id
   * @param cgroups tells whether the process holding the donor's PID is still the donor's
   */
  static Optional<JoinedPidNamespace> of(Container container, Function<String, Optional<Task>> tasks,
      Consumer<String> record, CgroupsOf cgroups) {
    String mode = container.getLabelsMap().getOrDefault(ContainerLabels.PID, "").strip();
    if (mode.isEmpty()) {
      return Optional.empty();
    }
    if (!mode.startsWith(ContainerLabels.JOINED_CONTAINER_PREFIX)
        || mode.length() == ContainerLabels.JOINED_CONTAINER_PREFIX.length()) {
      throw Errors.invalidArgument("invalid PID mode: %s (label %s takes container:<id>)", mode, ContainerLabels.PID);
    }
    String donorId = mode.substring(ContainerLabels.JOINED_CONTAINER_PREFIX.length());
    try {
      record.accept(donorId);
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        throw Errors.failedPrecondition("failed to join PID namespace: No such container: %s", donorId);
      }
      throw e;
    }
    Task donor = tasks.apply(donorId).filter(t -> RUNNING.contains(t.init.status()))
        .orElseThrow(() -> notRunning(donorId));
    if (donor.cgroups.isEmpty()) {
      throw Errors.failedPrecondition("failed to join PID namespace: container %s has no cgroup of its own,"
          + " by which berthd tells its process from another that took its PID", donorId);
    }
    int pid = donor.init.pid();
    try {
      if (!donor.cgroups.equals(cgroups.of(pid))) {
        throw notRunning(donorId);
      }
      ProcessIdentity process = ProcessIdentity.of(pid);
      String namespace = namespaceOf(pid);
      // the donor's record still names that process: it did not end before the reads
      if (donor.init.pid() != pid || !RUNNING.contains(donor.init.status())) {
        throw notRunning(donorId);
      }
      if (namespace.equals(namespaceOf((int) ProcessHandle.current().pid()))) {
        throw Errors.failedPrecondition("failed to join PID namespace: container %s shares the host's PID namespace,"
            + " which berthd does not let another container join", donorId);
      }
      return Optional.of(new JoinedPidNamespace(donorId, donor, process, namespace, cgroups));
    } catch (IOException e) {
      throw notRunning(donorId);
    }
  }

  /** Points the spec at the donor's namespace, by the PID read at the look-up. */
  void pointAt(OciSpec spec) {
    spec.joinNamespace("pid", "/proc/" + process.pid() + "/ns/pid");
  }

  /**
   * Refuses (FAILED_PRECONDITION) unless the created task's process {@code pid} is in the
   * donor's namespace and the donor's process is the one of the look-up, still in it and in the
   * donor's cgroups; the caller
   * then removes the task.
   */
  void verify(int pid) {
    try {
      if (!namespace.equals(namespaceOf(pid))) {
        throw notRunning(donorId);
      }
      if (!process.equals(ProcessIdentity.of(process.pid())) || !namespace.equals(namespaceOf(process.pid()))
          || !donor.cgroups.equals(cgroups.of(process.pid()))
          || donor.init.pid() != process.pid() || !RUNNING.contains(donor.init.status())) {
        throw notRunning(donorId);
      }
    } catch (IOException e) {
      throw notRunning(donorId);
    }
  }

  /** The kernel's name of the process's PID namespace, {@code pid:[INODE]}, unique among those that exist. */
  private static String namespaceOf(int pid) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "pid")).toString();
  }

  private static BerthException notRunning(String donorId) {
    return Errors.failedPrecondition("failed to join PID namespace: container %s is not running", donorId);
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
