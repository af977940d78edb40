package dev.berth.cri;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The log file the kubelet asked for, made at StartContainer before the task, as containerd opens
 * its log before creating the task: a start refused then (a PID namespace holder gone) leaves an
 * empty log, which {@code crictl logs} shows, rather than no file. Mode 0640, containerd's; the
 * tasks service's monitor writes to the same file.
 */
final class ContainerLogFile {
  private ContainerLogFile() {}

  static void create(Path log) throws IOException {
    Files.createDirectories(log.getParent());
    try {
      Files.createFile(log);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    // set after creation: berthd's umask would otherwise decide
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
  }
}
