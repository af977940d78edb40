package dev.berth.snapshots;

import containerd.types.Mount;
import dev.berth.linux.MountSpec;
import java.util.List;

/** containerd's wire Mounts as {@link MountSpec}s, for the Diff service to mount. */
final class ProtoMounts {
  private ProtoMounts() {}

  static List<MountSpec> fromProto(List<Mount> mounts) {
    return mounts.stream().map(m -> new MountSpec(m.getType(), m.getSource(), m.getOptionsList())).toList();
  }
}
