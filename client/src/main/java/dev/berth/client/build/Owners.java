package dev.berth.client.build;

import dev.berth.client.spec.RootfsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * COPY's and ADD's {@code --chown=USER[:GROUP]}: numbers as they are, names looked up in the stage's
 * /etc/passwd and /etc/group; without a group, the user's id is the group's too, as Docker's builder
 * takes it.
 */
final class Owners {
  private Owners() {}

  /** {uid, gid}. */
  static int[] of(Path rootfs, String chown) {
    String[] parts = chown.split(":", 2);
    // read as the container sees its root: an image's /etc -> /x is the image's /x, not the host's
    RootfsFiles files = RootfsFiles.directory(rootfs);
    int uid = id(files, "/etc/passwd", parts[0], "user");
    int gid = parts.length == 2 ? id(files, "/etc/group", parts[1], "group") : uid;
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
    // Docker's words (moby v27 builder/dockerfile/internals_linux.go)
    throw new BuildStepException("unable to convert uid/gid chown string to host mapping: can't find "
        + (what.equals("user") ? "uid" : "gid") + " for " + what + " " + name + ": no such " + what + ": " + name, 1);
  }
}
