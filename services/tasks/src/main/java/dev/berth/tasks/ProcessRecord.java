package dev.berth.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What berthd must remember about a process to find it again after a restart, written to
 * {@code state.json} in the process's directory. The init process's record also carries the
 * task's runtime, rootfs and cgroups; an exec's leaves those empty.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProcessRecord(
    String namespace,
    String containerId,
    String execId,
    String monitorId,
    String stdin,
    String stdout,
    String stderr,
    boolean terminal,
    int pid,
    int conmonPid,
    boolean started,
    String runtimeName,
    String runtimeBinary,
    String runtimeRoot,
    List<RootfsMount> rootfs,
    Map<String, String> cgroups) {

  /** A mount of the rootfs as the request gave it, kept for the TaskCreate event of a recovered task. */
  record RootfsMount(String type, String source, List<String> options) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static ProcessRecord read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ProcessRecord.class);
  }

  void write(Path file) throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }

  ProcessRecord withStarted(int newPid, int newConmonPid) {
    return new ProcessRecord(namespace, containerId, execId, monitorId, stdin, stdout, stderr, terminal,
        newPid, newConmonPid, true, runtimeName, runtimeBinary, runtimeRoot, rootfs, cgroups);
  }
}
