package dev.berth.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A minimal root filesystem from Debian's busybox-static: the binary, applet links and /etc basics. */
final class Busybox {
  static final List<String> APPLETS = List.of("sh", "echo", "cat", "sleep", "true", "false", "hostname", "ps", "id", "ls",
      "head", "tail", "cut", "dd", "mount", "ip", "ifconfig", "grep", "wc", "env", "yes", "tty", "stty", "read");

  private Busybox() {}

  static Path rootfs(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("bin"));
    Path busybox = dir.resolve("bin/busybox");
    Files.copy(Path.of("/bin/busybox"), busybox, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    for (String d : List.of("etc", "proc", "sys", "dev", "tmp", "root")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    Files.writeString(dir.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    return dir;
  }
}
