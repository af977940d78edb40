package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berthctl diff}: what a container changed in its file system, as {@code docker diff}
 * prints it, read from its snapshot's writable layer: overlayfs's upper directory against the
 * image's layers below it. The mount points the runtime adds to every container (/etc/hosts,
 * /proc, ...) are left out, as Docker keeps them in an init layer of their own that its diff
 * does not show.
 */
@Command(name = "diff",
    description = {"List the files and directories a container added (A), changed (C) or deleted (D) in its file "
        + "system, from its writable layer; volumes and binds are not part of it."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl diff web"})
public final class DiffCommand implements Callable<Integer> {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  /**
   * What runc makes in the writable layer when the image lacks it: the targets of the network
   * files' bind mounts and of the kernel file systems, below which nothing reaches the layer.
   */
  private static final Set<String> RUNTIME_MOUNT_POINTS =
      Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/proc", "/sys", "/dev");

  @ParentCommand
  BerthCtl root;

  @Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Override
  public Integer call() throws IOException {
    List<Mount> mounts;
    try (Connection c = root.connect()) {
      Container record = ContainerArgument.resolve(c.channel(), container);
      if (record.getSnapshotKey().isEmpty()) {
        throw new CommandFailure("container " + container + " has no snapshot of its own to compare");
      }
      mounts = SnapshotsGrpc.newBlockingStub(c.channel()).mounts(MountsRequest.newBuilder()
          .setSnapshotter(record.getSnapshotter()).setKey(record.getSnapshotKey()).build()).getMountsList();
    }
    if (mounts.size() != 1) {
      throw new CommandFailure("the snapshot of container " + container + " is not one mount: cannot compare");
    }
    Mount m = mounts.get(0);
    NavigableMap<String, Character> changes;
    if (m.getType().equals("bind")) {
      // a container on an image of no layers: everything in it was added
      changes = changes(Path.of(m.getSource()), List.of());
    } else if (m.getType().equals("overlay")) {
      changes = changes(Path.of(option(m, "upperdir")), List.of(option(m, "lowerdir").split(":")).stream()
          .map(Path::of).toList());
    } else {
      throw new CommandFailure("the snapshot of container " + container + " is a " + m.getType() + " mount: cannot compare");
    }
    withoutRuntimeMountPoints(changes).forEach((path, kind) -> root.out().println(kind + " " + path));
    return 0;
  }

  /**
   * {@code changes} less the runtime's mount points and the directories, such as /etc, that are
   * in the layer only because of them.
   */
  static NavigableMap<String, Character> withoutRuntimeMountPoints(NavigableMap<String, Character> changes) {
    NavigableMap<String, Character> kept = new TreeMap<>(changes);
    kept.keySet().removeIf(DiffCommand::underRuntimeMountPoint);
    kept.keySet().removeIf(path -> !path.equals("/") && holdsOnly(changes, kept, path));
    return kept;
  }

  private static boolean underRuntimeMountPoint(String path) {
    return RUNTIME_MOUNT_POINTS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
  }

  /** Whether all that was below {@code dir} in the layer was left out, if anything was. */
  private static boolean holdsOnly(NavigableMap<String, Character> all, NavigableMap<String, Character> kept,
      String dir) {
    // '0' follows '/': the range holds exactly the paths below dir
    return !all.subMap(dir + "/", dir + "0").isEmpty() && kept.subMap(dir + "/", dir + "0").isEmpty();
  }

  private static String option(Mount m, String name) {
    return m.getOptionsList().stream().filter(o -> o.startsWith(name + "=")).map(o -> o.substring(name.length() + 1))
        .findFirst().orElseThrow(() -> new CommandFailure("the container's overlay mount has no " + name));
  }

  /**
   * Every entry of {@code upper} by its path in the container: D for a whiteout (a character
   * device 0/0), C for what one of {@code lowers} has too, A for the rest.
   */
  private static NavigableMap<String, Character> changes(Path upper, List<Path> lowers) throws IOException {
    NavigableMap<String, Character> changes = new TreeMap<>();
    Files.walkFileTree(upper, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(upper)) {
          visitFile(dir, attrs);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String relative = upper.relativize(file).toString();
        changes.put("/" + relative, whiteout(file) ? 'D' : inAny(lowers, relative) ? 'C' : 'A');
        return FileVisitResult.CONTINUE;
      }
    });
    return changes;
  }

  private static boolean whiteout(Path file) throws IOException {
    Map<String, Object> unix = Files.readAttributes(file, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    return ((Integer) unix.get("mode") & S_IFMT) == S_IFCHR && (Long) unix.get("rdev") == 0;
  }

  private static boolean inAny(List<Path> lowers, String relative) {
    return lowers.stream().anyMatch(lower -> Files.exists(lower.resolve(relative), LinkOption.NOFOLLOW_LINKS));
  }
}
