package dev.berth.api.mount;

import java.util.List;

/** Between containerd's wire {@code containerd.types.Mount} and {@link Mount}, for servers and clients alike. */
public final class MountMessages {
  private MountMessages() {}

  public static List<containerd.types.Mount> toProto(List<Mount> mounts) {
    return mounts.stream()
        .map(m -> containerd.types.Mount.newBuilder()
            .setType(m.type()).setSource(m.source()).addAllOptions(m.options()).build())
        .toList();
  }

  public static List<Mount> fromProto(List<containerd.types.Mount> mounts) {
    return mounts.stream().map(m -> new Mount(m.getType(), m.getSource(), m.getOptionsList())).toList();
  }
}
