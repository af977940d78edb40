package dev.berth.cri;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.ProtoTimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * This boot of the node: the kernel's random {@code boot_id}, new at every boot, and when it
 * began. A pod names the boot it was made on, so that after a reboot, which took its namespaces
 * and holder with berthd's state directory, it is known gone although its record (under berthd's
 * root) is still there.
 *
 * @param id the kernel's {@code /proc/sys/kernel/random/boot_id}
 * @param began the kernel's {@code btime} in {@code /proc/stat}, to the second
 */
record NodeBoot(String id, Instant began) {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final Path STAT = Path.of("/proc/stat");

  static NodeBoot current() {
    return new NodeBoot(read(BOOT_ID).strip(), Instant.ofEpochSecond(btime(read(STAT))));
  }

  /**
   * Whether the pod of this record was made on an earlier boot: the boot it names; for a pod an
   * older berthd made without naming one, {@code keptOnThisBoot}, whether berthd's state directory,
   * which a reboot empties, still holds the pod's directory; only for a pod that has none there
   * (one sharing all the node's namespaces, or made before the reboot), the record's creation
   * before this boot began. The last is a guess: btime is the wall clock less the uptime, so a
   * clock stepped after boot (an NTP sync) moves it, and a pod made before the step may look
   * older than the boot.
   */
  boolean earlierThan(Container pod, boolean keptOnThisBoot) {
    String madeOn = pod.getLabelsMap().get(CriRecords.BOOT_ID);
    if (madeOn != null) {
      return !madeOn.equals(id);
    }
    return !keptOnThisBoot && ProtoTimes.toInstant(pod.getCreatedAt()).isBefore(began);
  }

  private static long btime(String stat) {
    return stat.lines().filter(l -> l.startsWith("btime ")).findFirst()
        .map(l -> Long.parseLong(l.substring("btime ".length()).strip()))
        .orElseThrow(() -> Errors.internal(null, "%s has no btime line: cannot tell when this node booted", STAT));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw Errors.internal(e, "cannot read %s to tell this boot of the node: %s", file, e.getMessage());
    }
  }
}
