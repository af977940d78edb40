package dev.berth.client.build;

import dev.berth.client.spec.RootfsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * COPY's and ADD's {@code --chown=USER[:GROUP]}: numbers as they are, names looked up in the stage's
 * /etc/passwd and /etc/group; without a group, the group of the user's name (or number), as Docker's
 * legacy builder takes it.
 */
final class Owners {
  private Owners() {}

  /** {uid, gid}. */
  static int[] of(Path rootfs, String chown) {
    String[] parts = chown.split(":", -1);
    if (parts.length > 2) {
      throw failure("invalid chown string format: " + chown);
    }
    // read as the container sees its root: an image's /etc -> /x is the image's /x, not the host's
    RootfsFiles files = RootfsFiles.directory(rootfs);
    int uid = id(files, "/etc/passwd", parts[0], "user");
    // as Docker's legacy builder: without a group, the group named as the user (or its number)
    int gid = id(files, "/etc/group", parts.length == 2 ? parts[1] : parts[0], "group");
    return new int[] {uid, gid};
  }

  private static int id(RootfsFiles files, String file, String name, String what) {
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    String text = files.read(file).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    for (String line : text.split("\n")) {
      String[] fields = line.split(":");
      if (fields.length > 2 && fields[0].equals(name)) {
        return Integer.parseInt(fields[2]);
      }
    }
    throw failure("can't find " + (what.equals("user") ? "uid" : "gid") + " for " + what + " " + name + ": no such "
        + what + ": " + name);
  }

  /** Docker's words (moby v27 builder/dockerfile/internals.go and internals_linux.go). */
  private static BuildStepException failure(String reason) {
    return new BuildStepException("unable to convert uid/gid chown string to host mapping: " + reason, 1);
  }
}
