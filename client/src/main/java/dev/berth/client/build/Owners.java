package dev.berth.client.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * COPY's and ADD's {@code --chown=USER[:GROUP]}: numbers as they are, names looked up in the stage's
 * /etc/passwd and /etc/group; without a group, the user's id is the group's too, as Docker's builder
 * takes it.
 */
final class Owners {
  private Owners() {}

  /** {uid, gid}. */
  static int[] of(Path rootfs, String chown) throws IOException {
    String[] parts = chown.split(":", 2);
    int uid = id(rootfs.resolve("etc/passwd"), parts[0], "user");
    int gid = parts.length == 2 ? id(rootfs.resolve("etc/group"), parts[1], "group") : uid;
    return new int[] {uid, gid};
  }

  private static int id(Path file, String name, String what) throws IOException {
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    for (String line : lines) {
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
