package dev.berth.tasks.testing;

import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.v1.types.Process;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What kernel tests of containers can leave on the host — runtime containers, monitors, mounts,
 * cgroups — found and removed, so a test cleans up even when it failed half-way.
 */
public final class HostLeftovers {
  private HostLeftovers() {}

  /** Kills and deletes every task the service still knows. */
  public static void removeTasks(TasksGrpc.TasksBlockingStub tasks) {
    List<Process> all;
    try {
      all = tasks.list(ListTasksRequest.getDefaultInstance()).getTasksList();
    } catch (StatusRuntimeException e) {
      return;
    }
    for (Process p : all) {
      try {
        tasks.kill(KillRequest.newBuilder().setContainerId(p.getContainerId()).setSignal(9).setAll(true).build());
      } catch (StatusRuntimeException ignored) {
        // stopped already
      }
      try {
        tasks.withDeadlineAfter(10, TimeUnit.SECONDS).wait(WaitRequest.newBuilder().setContainerId(p.getContainerId()).build());
        tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(p.getContainerId()).build());
      } catch (StatusRuntimeException ignored) {
        // scrub takes care of whatever is left
      }
    }
  }

  /**
   * Removes what the service could not: runc's containers under {@code state}, monitors naming
   * it, mounts at or below {@code dir}, and the cgroups below {@code cgroupParent}.
   */
  public static void scrub(Path state, Path dir, String cgroupParent) throws IOException, InterruptedException {
    Path runcRoots = state.resolve("runc");
    if (Files.isDirectory(runcRoots)) {
      try (DirectoryStream<Path> roots = Files.newDirectoryStream(runcRoots)) {
        for (Path root : roots) {
          try (DirectoryStream<Path> ids = Files.newDirectoryStream(root)) {
            for (Path id : ids) {
              new ProcessBuilder("runc", "--root", root.toString(), "delete", "--force", id.getFileName().toString())
                  .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
          }
        }
      }
    }
    for (int pid : conmonsUnder(state)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Path mount : mountsUnder(dir)) {
      try {
        Syscalls.unmount(mount, Syscalls.MNT_DETACH);
      } catch (ErrnoException ignored) {
        // unmounted with its parent
      }
    }
    for (Path controller : cgroupMounts()) {
      Path parent = controller.resolve(cgroupParent);
      if (Files.isDirectory(parent)) {
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(parent)) {
          dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path d : dirs) {
          Files.deleteIfExists(d);
        }
      }
    }
  }

  /** Where each cgroup hierarchy is mounted. */
  public static List<Path> cgroupMounts() throws IOException {
    List<Path> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String type = line.substring(line.indexOf(" - ") + 3).split(" ")[0];
      if (type.equals("cgroup") || type.equals("cgroup2")) {
        mounts.add(Path.of(line.split(" ")[4]));
      }
    }
    return mounts;
  }

  /** Mount points at or below {@code dir}, deepest first. */
  public static List<Path> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString();
    List<Path> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.equals(prefix) || point.startsWith(prefix + "/")) {
        mounts.add(Path.of(point));
      }
    }
    mounts.sort(Comparator.comparing(Path::toString).reversed());
    return mounts;
  }

  /** Live (not zombie) conmon processes whose command line names {@code dir}. */
  public static List<Integer> conmonsUnder(Path dir) throws IOException {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        try {
          String comm = Files.readString(proc.resolve("comm")).trim();
          String stat = Files.readString(proc.resolve("stat"));
          boolean zombie = stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
          if (comm.equals("conmon") && !zombie && cmdline.contains(dir.toString())) {
            pids.add(Integer.parseInt(proc.getFileName().toString()));
          }
        } catch (IOException | RuntimeException ignored) {
          // the process ended while we looked
        }
      }
    }
    return pids;
  }
}
