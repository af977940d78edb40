package dev.berth.tasks;

import com.google.protobuf.Any;
import dev.berth.common.events.TypeUrls;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.tasks.cgroups.CgroupV1Metrics;
import dev.berth.tasks.cgroups.CgroupV2Metrics;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.runtime.RuntimeErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;

/** What a task's cgroups say: its processes (ListPids) and its resource use (Metrics). */
final class TaskStatistics {
  private final CgroupLayout cgroups;

  @Inject
  TaskStatistics(CgroupLayout cgroups) {
    this.cgroups = cgroups;
  }

  /** The processes in the task's cgroup, exec processes named by their exec id (as ctr task ps shows them). */
  List<ProcessPid> pids(Task t) {
    Map<Integer, String> execPids = new HashMap<>();
    for (TaskProcess p : t.execs()) {
      int pid = p.pid();
      if (pid > 0) {
        execPids.put(pid, p.execId);
      }
    }
    List<ProcessPid> pids = new ArrayList<>();
    for (int pid : cgroupProcs(t)) {
      pids.add(new ProcessPid(pid, Optional.ofNullable(execPids.get(pid))));
    }
    return pids;
  }

  private static List<Integer> cgroupProcs(Task t) {
    for (String controller : List.of("pids", "memory", "cpu", "freezer", CgroupLayout.UNIFIED_KEY)) {
      Path dir = t.cgroups.get(controller);
      if (dir != null && Files.exists(dir.resolve("cgroup.procs"))) {
        try {
          return Files.readAllLines(dir.resolve("cgroup.procs")).stream()
              .filter(s -> !s.isBlank()).map(s -> Integer.parseInt(s.trim())).sorted().toList();
        } catch (IOException e) {
          throw RuntimeErrors.unknown("cannot list processes of task %s: %s", t.id, e.getMessage());
        }
      }
    }
    return List.of();
  }

  /** Whether the task's cgroup is there to be read: from its create until its delete. */
  boolean hasCgroup(Task t) {
    return t.cgroups.values().stream().anyMatch(Files::isDirectory);
  }

  /** The task's statistics in containerd's cgroup v1 or v2 message, whichever the host's layout calls for. */
  TaskMetric metric(Task t) {
    Any data = cgroups.mode() == CgroupLayout.Mode.UNIFIED
        ? TypeUrls.pack(CgroupV2Metrics.read(t.cgroups.get(CgroupLayout.UNIFIED_KEY)))
        : TypeUrls.pack(CgroupV1Metrics.read(t.cgroups));
    return new TaskMetric(t.id, Instant.now(), data);
  }
}
