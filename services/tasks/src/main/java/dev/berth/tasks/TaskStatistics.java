package dev.berth.tasks;

import com.google.protobuf.Any;
import containerd.runc.v1.ProcessDetails;
import containerd.types.Metric;
import containerd.v1.types.ProcessInfo;
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

/** What a task's cgroups say: its processes (ListPids) and its resource use (Metrics). */
final class TaskStatistics {
  private final CgroupLayout cgroups;

  TaskStatistics(CgroupLayout cgroups) {
    this.cgroups = cgroups;
  }

  /** The processes in the task's cgroup, exec processes named by their exec id (as ctr task ps shows them). */
  List<ProcessInfo> pids(Task t) {
    Map<Integer, String> execPids = new HashMap<>();
    synchronized (t) {
      t.execs.values().stream().filter(p -> p.pid() > 0).forEach(p -> execPids.put(p.pid(), p.execId));
    }
    List<ProcessInfo> infos = new ArrayList<>();
    for (int pid : cgroupProcs(t)) {
      ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(pid);
      String execId = execPids.get(pid);
      if (execId != null) {
        info.setInfo(TypeUrls.pack(ProcessDetails.newBuilder().setExecId(execId).build()));
      }
      infos.add(info.build());
    }
    return infos;
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

  /** The task's statistics in containerd's cgroup v1 or v2 message, whichever the host's layout calls for. */
  Metric metric(Task t) {
    Any data = cgroups.mode() == CgroupLayout.Mode.UNIFIED
        ? TypeUrls.pack(CgroupV2Metrics.read(t.cgroups.get(CgroupLayout.UNIFIED_KEY)))
        : TypeUrls.pack(CgroupV1Metrics.read(t.cgroups));
    return Metric.newBuilder().setTimestamp(EpochNanos.toTimestamp(Instant.now())).setId(t.id).setData(data).build();
  }
}
