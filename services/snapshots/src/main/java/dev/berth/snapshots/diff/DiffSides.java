package dev.berth.snapshots.diff;

import dev.berth.api.grpc.Errors;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the changes between two mount lists. When the new side is an active overlay over
 * exactly the old side's layers (how containerd's clients ask: a view of the parent against
 * the snapshot), its upperdir already is the change set. Otherwise both sides are read as
 * whole trees, bind sources directly, other mounts mounted read-only for the time of the walk.
 */
final class DiffSides {
  private DiffSides() {}

  static void writeChanges(List<MountSpec> left, List<MountSpec> right, Path scratch, OutputStream out)
      throws IOException {
    Optional<Path> upper = upperOver(left, right);
    if (upper.isPresent()) {
      try (TarChangeWriter w = new TarChangeWriter(out, upper.get())) {
        UpperDirChanges.write(upper.get(), w);
      }
      return;
    }
    if (right.isEmpty()) {
      throw Errors.invalidArgument("no mounts for the changed side of the diff");
    }
    List<TempMount> mounted = new ArrayList<>();
    try {
      Path before = left.isEmpty() ? null : readable(left, scratch, mounted);
      Path after = readable(right, scratch, mounted);
      try (TarChangeWriter w = new TarChangeWriter(out, after)) {
        TreeComparison.write(before, after, w);
      }
    } finally {
      closeAll(mounted);
    }
  }

  /** Unmounts every one, even after a failure, and reports the first failure. */
  private static void closeAll(List<TempMount> mounts) throws IOException {
    IOException first = null;
    for (TempMount m : mounts) {
      try {
        m.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static Optional<Path> upperOver(List<MountSpec> left, List<MountSpec> right) {
    if (right.size() != 1 || left.size() != 1 || !right.get(0).isOverlay()) {
      return Optional.empty();
    }
    Optional<String> upper = right.get(0).option("upperdir");
    List<String> lowers = right.get(0).lowerDirs();
    MountSpec l = left.get(0);
    boolean sameLowers = (l.isOverlay() && l.option("upperdir").isEmpty() && l.lowerDirs().equals(lowers))
        || (l.isBind() && lowers.size() == 1 && l.source().equals(lowers.get(0)));
    return sameLowers ? upper.map(Path::of) : Optional.empty();
  }

  private static Path readable(List<MountSpec> mounts, Path scratch, List<TempMount> mounted) throws IOException {
    if (mounts.size() == 1 && mounts.get(0).isBind()) {
      Path p = Path.of(mounts.get(0).source());
      if (!p.isAbsolute() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw Errors.invalidArgument("mount source %s is not an absolute path of a directory", p);
      }
      return p;
    }
    List<MountSpec> readOnly = mounts.stream().map(DiffSides::readOnly).toList();
    TempMount m = TempMount.mount(readOnly, scratch);
    mounted.add(m);
    return m.dir();
  }

  private static MountSpec readOnly(MountSpec m) {
    List<String> options = new ArrayList<>(m.options());
    options.remove("rw");
    if (!options.contains("ro")) {
      options.add("ro");
    }
    return new MountSpec(m.type(), m.source(), options);
  }
}
