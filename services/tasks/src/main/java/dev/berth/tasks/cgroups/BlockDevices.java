package dev.berth.tasks.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Names a block device by its numbers, as containerd does in blkio statistics. */
final class BlockDevices {
  private BlockDevices() {}

  static String name(long major, long minor) {
    try {
      for (String line : Files.readAllLines(Path.of("/sys/dev/block/" + major + ":" + minor + "/uevent"))) {
        if (line.startsWith("DEVNAME=")) {
          return "/dev/" + line.substring("DEVNAME=".length());
        }
      }
    } catch (IOException e) {
      // an unknown device keeps an empty name
    }
    return "";
  }
}
