package dev.berth.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

  /**
   * Replaces {@code file} through a temporary file and a rename, so that a berthd killed at any
   * point leaves the old record or the new one. No fsync: the record lives in the state
   * directory, which lasts as long as the machine's boot (tmpfs in production), as do the
   * processes it describes; a machine that crashed has neither, and a record it tore is taken
   * for the leftover of an interrupted create.
   */
  void write(Path file) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(temp, JSON.writeValueAsBytes(this));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  ProcessRecord withStarted(int newPid, int newConmonPid) {
    return new ProcessRecord(namespace, containerId, execId, monitorId, stdin, stdout, stderr, terminal,
        newPid, newConmonPid, true, runtimeName, runtimeBinary, runtimeRoot, rootfs, cgroups);
  }
}
