package dev.berth.snapshots;

import containerd.types.Mount;
import dev.berth.linux.MountSpec;
import java.util.List;

/** Between containerd's wire Mount and {@link MountSpec}. */
final class ProtoMounts {
  private ProtoMounts() {}

  static List<Mount> toProto(List<MountSpec> mounts) {
    return mounts.stream()
        .map(m -> Mount.newBuilder().setType(m.type()).setSource(m.source()).addAllOptions(m.options()).build())
        .toList();
  }

  static List<MountSpec> fromProto(List<Mount> mounts) {
    return mounts.stream().map(m -> new MountSpec(m.getType(), m.getSource(), m.getOptionsList())).toList();
  }
}
