package dev.berth.linux;

import java.util.List;
import java.util.Optional;

/**
 * One mount as containerd describes it: file system type, source and fstab-style options
 * ({@code ro}, {@code rbind}, {@code lowerdir=a:b}, ...). The target is chosen by whoever mounts it.
 */
public record MountSpec(String type, String source, List<String> options) {
  public MountSpec {
    options = List.copyOf(options);
  }

  public boolean isBind() {
    return type.equals("bind") || options.contains("bind") || options.contains("rbind");
  }

  public boolean isOverlay() {
    return type.equals("overlay");
  }

  public boolean isReadOnly() {
    return options.contains("ro");
  }

  /** The value of a {@code name=value} option, e.g. {@code upperdir}. */
  public Optional<String> option(String name) {
    String prefix = name + "=";
    return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst();
  }

  /** An overlay's lower directories, topmost first. */
  public List<String> lowerDirs() {
    return option("lowerdir").map(v -> List.of(v.split(":"))).orElse(List.of());
  }
}
