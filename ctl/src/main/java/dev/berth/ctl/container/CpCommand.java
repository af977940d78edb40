package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.FrozenContainer;
import dev.berth.client.containers.HostCommands;
import dev.berth.client.containers.TarStreams;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl cp}: files between a container and the host. */
@Command(name = "cp",
    description = {"Copy a file or directory from a container to the host, or from the host into a container. "
        + "Paths inside the container resolve symlinks as the container sees them; a symlink named as SRC in a "
        + "container is copied as the link unless -L. Into an existing directory, the source keeps its name. "
        + "What is copied belongs to root (to the invoking user on the host) unless -a.",
        "A running container is reached through its process's root, frozen meanwhile (as pause freezes it) so "
        + "that none of its processes can swap a directory on the path for a symlink out of it; a stopped one "
        + "through its snapshot, mounted for the copy with its volumes and bind mounts over it, as it has them "
        + "when it runs.",
        "- as SRC reads a tar archive from stdin and unpacks it into the container's directory DEST; "
        + "- as DEST writes SRC to stdout as a tar archive. Either goes through a temporary file, so that "
        + "the container is frozen only for the file work, not while the pipe's other end takes its time."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl cp web:/etc/hostname .", "  berthctl cp ./site web:/www", "  berthctl cp web:/var/log /tmp/web-logs",
        "  berthctl cp web:/var/log - | tar -tv", "  tar -c site | berthctl cp - web:/www"})
public final class CpCommand implements Callable<Integer> {
  /** Docker's name for a tar stream on stdin or stdout in place of a host path. */
  private static final String STREAM = "-";
  private static final long TAR_BLOCK = 512;
  /** The two empty blocks that end a tar archive. */
  private static final long TAR_END = 2 * TAR_BLOCK;
  @ParentCommand
  BerthCtl root;

  @Parameters(index = "0", paramLabel = "SRC", description = "CONTAINER:PATH or a host path")
  String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "CONTAINER:PATH or a host path")
  String destination;

  @Option(names = {"-L", "--follow-link"}, description = "copy what a symlink named as SRC (in the container or on "
      + "the host) points to, not the link")
  boolean followLink;

  @Option(names = {"-a", "--archive"}, description = "keep the owners (uid:gid) the source has")
  boolean archive;

  @Option(names = {"-q", "--quiet"}, description = "print no progress and no 'Successfully copied' line")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    boolean fromContainer = inContainer(source);
    if (fromContainer && inContainer(destination)) {
      throw new CommandFailure("copying between containers is not supported");
    }
    if (!fromContainer && !inContainer(destination)) {
      throw new CommandFailure("must specify at least one container source");
    }
    boolean stream = STREAM.equals(fromContainer ? destination : source);
    String containerSide = fromContainer ? source : destination;
    int colon = containerSide.indexOf(':');
    String path = containerSide.substring(colon + 1);
    if (path.isEmpty()) {
      path = "/";
    }
    String container = containerSide.substring(0, colon);
    try (Connection c = root.connect(); ArchiveSpool spool = stream ? ArchiveSpool.create() : null) {
      Container record = ContainerArgument.resolve(c.channel(), container);
      if (stream && !fromContainer) {
        // all of stdin before the container is frozen: its writer may take its time (a download)
        spool.readFrom(root.io().in());
      }
      ContainerState s = ContainerState.of(c.channel(), record);
      try (ContainerRoot rootfs = ContainerRoot.of(c, s)) {
        String containerPath = path.startsWith("/") ? path : "/" + path;
        Path inside = fromContainer && !followLink ? RootfsFiles.linkInside(rootfs.path(), containerPath)
            : RootfsFiles.pathInside(rootfs.path(), containerPath);
        if (!fromContainer) {
          Optional<DaemonError> refusal = rootfs.mounts().writeRefusal("/" + rootfs.path().relativize(inside));
          if (refusal.isPresent()) {
            throw refusal.get();
          }
        }
        if (inside.equals(rootfs.path())) {
          // a running container's root is /proc/PID/root, a link: only a path through it enters it
          inside = inside.resolve(".");
        }
        if (stream && fromContainer) {
          if (!Files.exists(inside, LinkOption.NOFOLLOW_LINKS)) {
            throw notFound(containerPath, container);
          }
          String[] names = containerPath.split("/");
          try (OutputStream archive = spool.out()) {
            TarStreams.write(inside, names.length == 0 ? "" : names[names.length - 1], rootfs.kernelMounts(), archive);
          }
        } else if (stream) {
          if (!Files.isDirectory(inside)) {
            throw new CommandFailure("destination \"" + destination + "\" must be a directory");
          }
          try {
            try (InputStream archive = spool.in()) {
              TarStreams.extract(archive, rootfs.path(), containerPath);
            }
          } catch (ClientException e) {
            // Docker's daemon unpacks the archive: its refusals come back after its prefix
            throw new DaemonError(e.getMessage(), e);
          }
          // Docker's CLI counts only the archives it makes, not one read from stdin
          copied(0, container + ":" + path);
        } else if (fromContainer) {
          long size = copy(inside, nameOf(inside), Path.of(destination), source, destination, rootfs.kernelMounts(),
              owner(HOST_USER),
              () -> notFound(containerPath, container),
              () -> new CommandFailure("no such directory: " + parent(destination)));
          copied(size, absolute(destination));
        } else {
          Path given = Path.of(source);
          // as Docker's -L: what the link points to, under the link's name
          Path from = followLink && Files.exists(given) ? given.toRealPath() : given;
          String destinationNamed = destinationNamed(rootfs.path(), containerPath);
          long size = copy(from, nameOf(given), inside, source, destination, Set.of(), owner(ROOT),
              // Go's os.Lstat's words on the absolute path, as Docker's cp stats the source
              () -> new CommandFailure("lstat " + given.toAbsolutePath().normalize() + ": no such file or directory"),
              () -> notFound(parent(destinationNamed), container));
          copied(size, container + ":" + path);
        }
      }
      if (stream && fromContainer) {
        // thawed by now: stdout's reader may take its time
        spool.writeTo(root.io().out());
      }
    }
    return 0;
  }

  /** Writes the whole file system of container {@code s} to {@code out} as a tar archive, as {@code cp s:/ -} does. */
  static void archiveRoot(Connection c, ContainerState s, OutputStream out) throws IOException {
    try (ContainerRoot rootfs = ContainerRoot.of(c, s)) {
      TarStreams.write(rootfs.path().resolve("."), "", rootfs.kernelMounts(), out);
    }
  }

  /** The owner copies take: {@code whose}, unless -a keeps the source's. */
  private Optional<int[]> owner(Supplier<int[]> whose) {
    return archive ? Optional.empty() : Optional.of(whose.get());
  }

  private static final Supplier<int[]> ROOT = () -> new int[] {0, 0};

  /** The user and group berthctl runs as: /proc/self belongs to them. */
  private static final Supplier<int[]> HOST_USER = () -> {
    try {
      Path self = Path.of("/proc/self");
      return new int[] {(Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid")};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell which user runs berthctl: " + e.getMessage(), e);
    }
  };

  /**
   * Docker's CLI's last line of a copy, on stderr unless -q: the size of the tar archive it sent
   * or received (what {@code size} counts of its entries, and the two blocks that end it).
   */
  private void copied(long size, String destination) {
    if (!quiet) {
      root.io().err().println("Successfully copied " + Output.size(size == 0 ? 0 : size + TAR_END) + " to "
          + destination);
    }
  }

  /** A host path as Docker's CLI names it: absolute, keeping a final '.' (as "/.") or '/'. */
  static String absolute(String hostPath) {
    String resolved = Path.of(hostPath).toAbsolutePath().normalize().toString();
    String base = resolved.equals("/") ? "" : resolved;
    if (hostPath.equals(".") || hostPath.endsWith("/.")) {
      return base + "/.";
    }
    return hostPath.endsWith("/") ? base + "/" : resolved;
  }

  /** Docker's words for a path missing in a container (its daemon's, which berthctl does the work of here). */
  private static CommandFailure notFound(String containerPath, String container) {
    return new DaemonError("Could not find the file " + containerPath + " in container " + container);
  }

  /** The directory {@code path} (as written, maybe with a trailing '/') would be in. */
  private static String parent(String path) {
    String named = path.replaceAll("/+$", "");
    return named.substring(0, Math.max(named.lastIndexOf('/'), 0));
  }

  /**
   * The path a copy into {@code containerPath} goes to, as Docker's CLI names it to its daemon: a
   * symlink's target there (from the link's directory when relative), one link deep, so a missing
   * directory is named as the link leads to it.
   */
  private static String destinationNamed(Path root, String containerPath) throws IOException {
    Path link = RootfsFiles.linkInside(root, containerPath);
    if (!Files.isSymbolicLink(link)) {
      return containerPath;
    }
    return Path.of("/" + parent(containerPath)).resolve(Files.readSymbolicLink(link).toString()).normalize().toString();
  }

  /** {@code NAME:PATH}, where NAME holds no '/' (so ./a:b and /x:y are host paths). */
  private static boolean inContainer(String argument) {
    int colon = argument.indexOf(':');
    return colon > 0 && !argument.substring(0, colon).contains("/");
  }

  /**
   * Copies as docker cp does: into {@code to} when it is a directory (as {@code name}), else to {@code to} itself.
   * A trailing '/' on either side says it is a directory. Directories in {@code emptied}
   * (normalized paths) are copied without what is in them. What is written belongs to
   * {@code owner} (uid, gid), or to the source's owners without one. Refused before anything is
   * written: a directory onto a file (the file would be lost), a file to a directory that is not there.
   * A missing source, and a missing directory for the destination, fail as {@code sourceMissing}
   * and {@code parentMissing} say, in the words of the side (host or container) they are on.
   * Returns the size the entries copied take in a tar archive, as Docker's CLI counts a copy.
   */
  private static long copy(Path from, String name, Path to, String fromText, String toText, Set<Path> emptied,
      Optional<int[]> owner, Supplier<CommandFailure> sourceMissing, Supplier<CommandFailure> parentMissing)
      throws IOException {
    if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
      throw sourceMissing.get();
    }
    boolean fromDirectory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
    if (fromText.endsWith("/") && !Files.isDirectory(from)) {
      throw new CommandFailure("not a directory: " + fromText);
    }
    boolean toExists = Files.exists(to);
    if (toExists && !Files.isDirectory(to)) {
      if (fromDirectory) {
        throw new CommandFailure("cannot copy a directory to a file: " + fromText + " is a directory, " + toText
            + " is not");
      }
      if (toText.endsWith("/")) {
        throw new CommandFailure("not a directory: " + toText);
      }
    }
    if (!toExists && toText.endsWith("/") && !fromDirectory) {
      throw new CommandFailure("destination directory " + toText + " does not exist");
    }
    if (!toExists && to.getParent() != null && !Files.isDirectory(to.getParent())) {
      throw parentMissing.get();
    }
    Path target = Files.isDirectory(to) ? to.resolve(name) : to;
    if (!fromDirectory) {
      copyOne(from, target, owner);
      return tarEntrySize(Files.readAttributes(from, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }
    long[] size = {0};
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        copyOne(dir, target.resolve(from.relativize(dir).toString()), owner);
        size[0] += tarEntrySize(attrs);
        return emptied.contains(dir.normalize()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        copyOne(file, target.resolve(from.relativize(file).toString()), owner);
        size[0] += tarEntrySize(attrs);
        return FileVisitResult.CONTINUE;
      }
    });
    return size[0];
  }

  /** A tar entry's size: its header block, and a regular file's content padded to whole blocks. */
  private static long tarEntrySize(BasicFileAttributes attrs) {
    long content = attrs.isRegularFile() ? (attrs.size() + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK : 0;
    return TAR_BLOCK + content;
  }

  /** The name a copy of {@code path} takes in the directory it goes into. */
  private static String nameOf(Path path) {
    return path.getFileName() == null ? "" : path.getFileName().toString();
  }

  /** Copies a file, directory (not what is in it) or symlink; devices, FIFOs and sockets have no content to copy. */
  private static void copyOne(Path from, Path to, Optional<int[]> owner) throws IOException {
    try {
      boolean directory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
      if (directory && Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)
          || !directory && !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(from)) {
        return;
      }
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
          LinkOption.NOFOLLOW_LINKS);
      if (owner.isPresent()) {
        Files.setAttribute(to, "unix:uid", owner.get()[0], LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", owner.get()[1], LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(to)) {
          // the kernel clears setuid and setgid on chown; Docker keeps the whole mode
          Files.setAttribute(to, "unix:mode", (int) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        }
      }
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no such directory: " + to.getParent(), e);
    } catch (FileAlreadyExistsException e) {
      throw new CommandFailure("cannot overwrite " + to, e);
    }
  }

  /**
   * A container's root file system on this host for the length of a copy: a running container's
   * frozen meanwhile, so that none of its processes can swap what the copy resolved for a symlink
   * out of it.
   */
  private static final class ContainerRoot implements AutoCloseable {
    private final Path path;
    private final boolean mounted;
    private final Set<Path> kernelMounts;
    private final CopyMounts mounts;
    private final Optional<FrozenContainer> frozen;

    private ContainerRoot(Path path, boolean mounted, Set<Path> kernelMounts, CopyMounts mounts,
        Optional<FrozenContainer> frozen) {
      this.path = path;
      this.mounted = mounted;
      this.kernelMounts = kernelMounts;
      this.mounts = mounts;
      this.frozen = frozen;
    }

    static ContainerRoot of(Connection c, ContainerState s) throws IOException {
      CopyMounts copyMounts = CopyMounts.of(ContainerConfig.of(s.record()));
      if (s.running()) {
        Path root = Path.of("/proc", Integer.toString(s.pid()), "root");
        FrozenContainer frozen = FrozenContainer.of(c.channel(), s);
        try {
          return new ContainerRoot(root, false, KernelMounts.of(s.pid(), root), copyMounts, Optional.of(frozen));
        } catch (IOException | RuntimeException e) {
          frozen.close();
          throw e;
        }
      }
      List<Mount> mounts = SnapshotsGrpc.newBlockingStub(c.channel()).mounts(MountsRequest.newBuilder()
          .setSnapshotter(s.record().getSnapshotter()).setKey(s.record().getSnapshotKey()).build()).getMountsList();
      Path dir = Files.createTempDirectory("berthctl-cp");
      try {
        for (Mount m : mounts) {
          HostCommands.mount(m, dir);
        }
      } catch (IOException | RuntimeException e) {
        Files.delete(dir);
        throw e;
      }
      ContainerRoot root = new ContainerRoot(dir, true, Set.of(), copyMounts, Optional.empty());
      try {
        copyMounts.mountUnder(dir, c.channel());
      } catch (IOException | RuntimeException e) {
        root.close();
        throw e;
      }
      return root;
    }

    /** What {@link KernelMounts} finds in a running container; nothing in a stopped one's snapshot and volumes. */
    Set<Path> kernelMounts() {
      return kernelMounts;
    }

    Path path() {
      return path;
    }

    CopyMounts mounts() {
      return mounts;
    }

    @Override
    public void close() throws IOException {
      frozen.ifPresent(FrozenContainer::close);
      if (mounted) {
        HostCommands.unmountTree(path);
        Files.delete(path);
      }
    }
  }
}
