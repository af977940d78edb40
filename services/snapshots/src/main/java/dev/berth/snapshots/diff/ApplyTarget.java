package dev.berth.snapshots.diff;

import dev.berth.api.grpc.Errors;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a layer is unpacked for a list of mounts, as containerd does it: a writable bind mount
 * is its source directory; an overlay with an upperdir is that upperdir, with whiteouts written
 * the overlay way; anything else is mounted on a temporary directory for the time of the apply.
 */
record ApplyTarget(Path root, WhiteoutStyle style, List<Path> lowers, TempMount mount) implements AutoCloseable {

  static ApplyTarget open(List<MountSpec> mounts, Path scratch) throws IOException {
    if (mounts.isEmpty()) {
      throw Errors.invalidArgument("no mounts to apply the layer to");
    }
    if (mounts.size() == 1) {
      MountSpec m = mounts.get(0);
      if (m.isReadOnly()) {
        throw Errors.invalidArgument("cannot apply a layer to a read-only mount of %s", m.source());
      }
      if (m.isBind()) {
        return new ApplyTarget(directory(m.source()), WhiteoutStyle.DELETE, List.of(), null);
      }
      if (m.isOverlay()) {
        String upper = m.option("upperdir").orElseThrow(
            () -> Errors.invalidArgument("cannot apply a layer to an overlay without upperdir: it is read-only"));
        List<Path> lowers = m.lowerDirs().stream().map(ApplyTarget::directory).toList();
        return new ApplyTarget(directory(upper), WhiteoutStyle.OVERLAY_UPPER, lowers, null);
      }
    }
    TempMount mount = TempMount.mount(mounts, scratch);
    return new ApplyTarget(mount.dir(), WhiteoutStyle.DELETE, List.of(), mount);
  }

  private static Path directory(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw Errors.invalidArgument("mount source %s is not an absolute path of a directory", path);
    }
    return p;
  }

  @Override
  public void close() throws IOException {
    if (mount != null) {
      mount.close();
    }
  }
}
