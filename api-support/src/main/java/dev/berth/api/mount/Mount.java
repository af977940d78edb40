package dev.berth.api.mount;

import java.util.List;

/**
 * One mount as containerd's API describes it (its {@code mount.Mount}): file system type, source
 * and fstab-style options. What snapshotters answer, on both sides of the API; a client never
 * mounts it itself, so this is data only. The services mount through berth-linux's
 * {@code MountSpec}, which carries the same three fields.
 */
public record Mount(String type, String source, List<String> options) {
  public Mount {
    options = List.copyOf(options);
  }
}
