package dev.berth.cri;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This boot of the node: the kernel's random {@code boot_id}, new at every boot. A pod names the
 * boot it was made on, so that after a reboot, which took its namespaces and holder with berthd's
 * state directory, it is known gone although its record (under berthd's root) is still there.
 */
final class NodeBoot {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private NodeBoot() {}

  static String id() {
    try {
      return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw Errors.internal(e, "cannot read this node's boot id from %s: %s", BOOT_ID, e.getMessage());
    }
  }
}
