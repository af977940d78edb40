package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.FileCapability;
import dev.berth.client.containers.HostCommands;
import dev.berth.client.containers.SizedCopy;
import dev.berth.client.containers.TarStreams;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.Output;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileHandle;
import dev.berth.linux.FileStat;
import dev.berth.linux.InRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        "A running container is reached through its process's root, and runs on meanwhile; a stopped one "
        + "through its snapshot, mounted for the copy with its volumes and bind mounts over it, as it has them "
        + "when it runs. Every path is resolved by the kernel inside that root and every file reached through "
        + "the directory it was found in, so no process swapping a directory for a symlink (to /) makes the copy "
        + "read or write the host's files.",
        "- as SRC reads a tar archive from stdin and unpacks it into the container's directory DEST; "
        + "- as DEST writes SRC to stdout as a tar archive."},
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
    try (Connection c = root.connect()) {
      Container record = ContainerArgument.resolve(c.channel(), container);
      ContainerState s = ContainerState.of(c.channel(), record);
      try (ContainerRoot rootfs = ContainerRoot.of(c, s); InRoot host = InRoot.host()) {
        InRoot in = rootfs.files();
        String containerPath = path.startsWith("/") ? path : "/" + path;
        // where the path leads in the container as it resolves it; each step of the copy
        // resolves it again in the kernel inside the root, so a change meanwhile keeps it inside
        String inside = in.canonical(containerPath, !fromContainer || followLink);
        if (!fromContainer) {
          Optional<DaemonError> refusal = rootfs.mounts().writeRefusal(inside);
          if (refusal.isPresent()) {
            throw refusal.get();
          }
        }
        if (stream && fromContainer) {
          Optional<FileHandle> file = in.find(inside, false);
          if (file.isEmpty()) {
            throw notFound(containerPath, container);
          }
          String[] names = containerPath.split("/");
          try (FileHandle f = file.get()) {
            TarStreams.write(f, names.length == 0 ? "" : names[names.length - 1], KernelFileSystems.TYPES,
                root.io().out());
          }
        } else if (stream) {
          if (!isDirectory(in, inside)) {
            throw new CommandFailure("destination \"" + destination + "\" must be a directory");
          }
          try {
            TarStreams.extract(root.io().in(), in, containerPath, TarStreams.Unpacking.CP);
          } catch (ClientException e) {
            // Docker's daemon unpacks the archive: its refusals come back after its prefix
            throw new DaemonError(e.getMessage(), e);
          }
          // Docker's CLI counts only the archives it makes, not one read from stdin
          copied(0, container + ":" + path);
        } else if (fromContainer) {
          // as Docker's CLI rebases a followed link's archive: what it points to, under the link's name
          String name = followLink && isSymbolicLink(in, containerPath) ? nameOf(containerPath) : nameOf(inside);
          long size = copy(new Place(in, inside), name, contentsOf(containerPath),
              new Place(host, hostDestination(hostPath(destination))), source, destination, KernelFileSystems.TYPES,
              owner(HOST_USER),
              () -> notFound(containerPath, container),
              () -> new CommandFailure("no such directory: " + parent(destination)));
          copied(size, absolute(destination));
        } else {
          Path given = Path.of(source).toAbsolutePath();
          // as Docker's -L: what the link points to, under the link's name
          Path from = followLink && Files.exists(given) ? given.toRealPath() : given;
          String destinationNamed = destinationNamed(in, containerPath);
          long size = copy(new Place(host, hostPath(from.toString())), nameOf(given.toString()),
              contentsOf(source) || given.getNameCount() == 0, new Place(in, inside), source, destination, Set.of(),
              owner(ROOT),
              // Go's os.Lstat's words on the absolute path, as Docker's cp stats the source
              () -> new CommandFailure("lstat " + given.normalize() + ": no such file or directory"),
              () -> notFound(parent(destinationNamed), container));
          copied(size, container + ":" + path);
        }
      }
    }
    return 0;
  }

  /** Writes the whole file system of container {@code s} to {@code out} as a tar archive, as {@code cp s:/ -} does. */
  static void archiveRoot(Connection c, ContainerState s, OutputStream out) throws IOException {
    try (ContainerRoot rootfs = ContainerRoot.of(c, s)) {
      TarStreams.write(rootfs.files().root(), "", KernelFileSystems.TYPES, out);
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
  private static String destinationNamed(InRoot in, String containerPath) throws IOException {
    Optional<FileHandle> found = in.find(containerPath, false);
    if (found.isEmpty()) {
      return containerPath;
    }
    try (FileHandle link = found.get()) {
      if (!link.stat().isSymbolicLink()) {
        return containerPath;
      }
      return Path.of("/" + parent(containerPath)).resolve(link.readLink()).normalize().toString();
    }
  }

  /**
   * Whether {@code path} names what a directory holds rather than the directory: Docker's
   * {@code SRC_PATH/.}, and a root, whose contents are copied into an existing destination.
   */
  private static boolean contentsOf(String path) {
    return path.equals(".") || path.endsWith("/.") || path.equals("/");
  }

  /**
   * A host destination as Docker's CLI takes it: a symlink there followed to where it points
   * (made there when it dangles), ten links deep at most. A trailing '/' already follows it.
   */
  private static String hostDestination(String path) throws IOException {
    Path at = Path.of(path);
    for (int links = 0; !path.endsWith("/") && Files.isSymbolicLink(at); links++) {
      if (links == MAX_DESTINATION_LINKS) {
        throw new CommandFailure("too many symlinks in " + path);
      }
      Path target = Files.readSymbolicLink(at);
      at = target.isAbsolute() ? target : at.resolveSibling(target).normalize();
    }
    return path.endsWith("/") ? path : at.toString();
  }

  /** As Docker's CLI gives up following a destination's symlinks. */
  private static final int MAX_DESTINATION_LINKS = 11;

  /** A host path, absolute, keeping a trailing '/' (which says a directory is meant). */
  private static String hostPath(String path) {
    String absolute = Path.of(path).toAbsolutePath().toString();
    return path.endsWith("/") && !absolute.endsWith("/") ? absolute + "/" : absolute;
  }

  /** Whether {@code path}'s last name is a symlink (the links on the way followed). */
  private static boolean isSymbolicLink(InRoot in, String path) throws IOException {
    Optional<FileHandle> found = in.find(path, false);
    if (found.isEmpty()) {
      return false;
    }
    try (FileHandle f = found.get()) {
      return f.stat().isSymbolicLink();
    }
  }

  private static boolean isDirectory(InRoot in, String path) throws IOException {
    Optional<FileHandle> found = in.find(path, true);
    if (found.isEmpty()) {
      return false;
    }
    try (FileHandle f = found.get()) {
      return f.stat().isDirectory();
    }
  }

  /** A path in a root (the container's, or the host's own): the files of a copy are reached only through it. */
  private record Place(InRoot root, String path) {
    Optional<FileHandle> find(boolean followLast) throws IOException {
      return root.find(path, followLast);
    }

    /** The directory the path's last name is in, resolved in the root; empty when there is none. */
    Optional<FileHandle> parent() throws IOException {
      String trimmed = path.replaceAll("/+$", "");
      Optional<FileHandle> found = root.find(trimmed.substring(0, trimmed.lastIndexOf('/') + 1), true);
      if (found.isPresent() && !found.get().stat().isDirectory()) {
        found.get().close();
        return Optional.empty();
      }
      return found;
    }

    String name() {
      return nameOf(path);
    }
  }

  /** {@code NAME:PATH}, where NAME holds no '/' (so ./a:b and /x:y are host paths). */
  private static boolean inContainer(String argument) {
    int colon = argument.indexOf(':');
    return colon > 0 && !argument.substring(0, colon).contains("/");
  }

  /**
   * Copies as docker cp does: into {@code to} when it is a directory (as {@code name}, or what the
   * directory holds when {@code contents}), else to {@code to} itself.
   * A trailing '/' on either side says it is a directory. Directories on a file system of a type in
   * {@code emptied} are copied without what is in them. What is written belongs to
   * {@code owner} (uid, gid), or to the source's owners without one. Refused before anything is
   * written: a directory onto a file (the file would be lost), a file to a directory that is not there.
   * A missing source, and a missing directory for the destination, fail as {@code sourceMissing}
   * and {@code parentMissing} say, in the words of the side (host or container) they are on.
   * Every file is read and made through descriptors: a name opened in its directory, never
   * followed. Returns the size the entries copied take in a tar archive, as Docker's CLI counts a copy.
   */
  private static long copy(Place from, String name, boolean contents, Place to, String fromText, String toText,
      Set<Long> emptied, Optional<int[]> owner, Supplier<CommandFailure> sourceMissing,
      Supplier<CommandFailure> parentMissing)
      throws IOException {
    Optional<FileHandle> found = from.find(false);
    if (found.isEmpty()) {
      throw sourceMissing.get();
    }
    try (FileHandle source = found.get()) {
      FileStat sourceStat = source.stat();
      boolean fromDirectory = sourceStat.isDirectory();
      if (fromText.endsWith("/") && !isDirectory(from.root(), from.path())) {
        throw new CommandFailure("not a directory: " + fromText);
      }
      boolean toExists = exists(to);
      boolean toDirectory = isDirectory(to.root(), to.path());
      if (toExists && !toDirectory) {
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
      Optional<FileHandle> into = toDirectory ? to.find(true) : to.parent();
      if (into.isEmpty()) {
        throw parentMissing.get();
      }
      try (FileHandle dir = into.get()) {
        if (contents && fromDirectory && toDirectory) {
          return tarEntrySize(sourceStat) + copyContents(source, dir, emptied, owner);
        }
        return copyTree(source, sourceStat, dir, toDirectory ? name : to.name(), emptied, owner);
      }
    }
  }

  /** Whether {@code place} leads to a file, a symlink followed. */
  private static boolean exists(Place place) throws IOException {
    Optional<FileHandle> found = place.find(true);
    found.ifPresent(FileHandle::close);
    return found.isPresent();
  }

  /** Copies {@code source} as {@code name} into {@code dir}, a directory with what is in it; its tar size. */
  private static long copyTree(FileHandle source, FileStat stat, FileHandle dir, String name, Set<Long> emptied,
      Optional<int[]> owner) throws IOException {
    long size = tarEntrySize(stat);
    if (!stat.isDirectory()) {
      copyOne(source, stat, dir, name, owner);
      return size;
    }
    try (FileHandle copy = copyDirectory(source, stat, dir, name, owner)) {
      size += copyContents(source, copy, emptied, owner);
      // last: what was made in it changed its time
      copy.setModified(stat.modified());
    }
    return size;
  }

  /** Copies what directory {@code source} holds into directory {@code copy}; their tar size. */
  private static long copyContents(FileHandle source, FileHandle copy, Set<Long> emptied, Optional<int[]> owner)
      throws IOException {
    long size = 0;
    if (emptied.contains(source.fileSystemType())) {
      return size;
    }
    for (String child : source.list()) {
      Optional<FileHandle> found = source.child(child);
      if (found.isEmpty()) {
        // removed since it was listed
        continue;
      }
      try (FileHandle h = found.get()) {
        size += copyTree(h, h.stat(), copy, child, emptied, owner);
      }
    }
    return size;
  }

  /** A tar entry's size: its header block, and a regular file's content padded to whole blocks. */
  private static long tarEntrySize(FileStat stat) {
    long content = stat.isRegularFile() ? (stat.size() + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK : 0;
    return TAR_BLOCK + content;
  }

  /** The name a copy of {@code path} takes in the directory it goes into. */
  private static String nameOf(String path) {
    Path p = Path.of(path).getFileName();
    return p == null ? "" : p.toString();
  }

  /**
   * The directory {@code name} in {@code dir}, made as a copy of {@code source} (with {@code stat})
   * unless it is there; its time is the caller's to set, once its contents are copied.
   */
  private static FileHandle copyDirectory(FileHandle source, FileStat stat, FileHandle dir, String name,
      Optional<int[]> owner) throws IOException {
    Optional<FileHandle> existing = dir.child(name);
    if (existing.isPresent()) {
      if (existing.get().stat().isDirectory()) {
        return existing.get();
      }
      existing.get().close();
      dir.remove(name);
    }
    FileHandle made = made(dir, name, () -> dir.mkdir(name, 0700));
    try {
      attributes(made, stat, owner, FileCapability.of(source));
      return made;
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
  }

  /** Copies a file or symlink; devices, FIFOs and sockets have no content to copy. */
  private static void copyOne(FileHandle from, FileStat stat, FileHandle dir, String name, Optional<int[]> owner)
      throws IOException {
    if (!stat.isRegularFile() && !stat.isSymbolicLink()) {
      return;
    }
    Optional<FileHandle> existing = dir.child(name);
    if (existing.isPresent()) {
      boolean directory;
      try (FileHandle h = existing.get()) {
        directory = h.stat().isDirectory();
      }
      if (directory) {
        throw new CommandFailure("cannot overwrite directory " + dir.path() + "/" + name + " with a file");
      }
      dir.remove(name);
    }
    if (stat.isSymbolicLink()) {
      String target = from.readLink();
      made(dir, name, () -> {
        dir.symlink(target, name);
        return null;
      });
      try (FileHandle link = dir.child(name).orElseThrow(() -> new CommandFailure("no such directory: " + dir.path()))) {
        int[] ids = owner.orElse(new int[] {stat.uid(), stat.gid()});
        link.chown(ids[0], ids[1]);
        link.setModified(stat.modified());
      }
      return;
    }
    try (FileHandle file = made(dir, name, () -> dir.createFile(name, 0600))) {
      try (InputStream in = from.read(); OutputStream out = file.write()) {
        // the size stat said, as Docker's archive: a file a running container extends meanwhile
        // would keep the copy going
        SizedCopy.copy(in, out, stat.size(), from.path());
      }
      attributes(file, stat, owner, FileCapability.of(from));
      file.setModified(stat.modified());
    }
  }

  /**
   * Gives a copy the source's owners (or {@code owner}), capabilities (the xattr Docker's archives
   * carry) and all twelve mode bits.
   */
  private static void attributes(FileHandle copy, FileStat stat, Optional<int[]> owner, Optional<byte[]> capability)
      throws IOException {
    int[] ids = owner.orElse(new int[] {stat.uid(), stat.gid()});
    copy.chown(ids[0], ids[1]);
    // after the chown, which clears them and setuid and setgid; Docker keeps the whole mode
    if (capability.isPresent()) {
      FileCapability.set(copy, capability.get());
    }
    copy.chmod(stat.permissions());
  }

  /** Something made in a directory, failing in the words a user acts on. */
  private interface Making<T> {
    T make() throws ErrnoException;
  }

  private static <T> T made(FileHandle dir, String name, Making<T> making) throws IOException {
    try {
      return making.make();
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT) {
        throw new CommandFailure("no such directory: " + dir.path(), e);
      }
      if (e.errno() == ErrnoException.EEXIST) {
        throw new CommandFailure("cannot overwrite " + dir.path() + "/" + name, e);
      }
      throw e;
    }
  }

  /**
   * A container's root file system on this host for the length of a copy, opened once as the
   * root every path of the copy is resolved in. A running container runs on meanwhile: what its
   * processes change is seen as it is when each file is opened, and nothing they do leads out.
   */
  private static final class ContainerRoot implements AutoCloseable {
    private static final int PROCESS_ROOT_ATTEMPTS = 3;
    private final InRoot files;
    private final Optional<CopyRootDirectory> mounted;
    private final CopyMounts mounts;

    private ContainerRoot(InRoot files, Optional<CopyRootDirectory> mounted, CopyMounts mounts) {
      this.files = files;
      this.mounted = mounted;
      this.mounts = mounts;
    }

    static ContainerRoot of(Connection c, ContainerState s) throws IOException {
      Container record = s.record();
      CopyMounts copyMounts = CopyMounts.of(ContainerConfig.of(record));
      for (int attempt = 1; s.running(); attempt++) {
        // the process's root, as its mount namespace has it: volumes and binds included; taken
        // once berthd says, after it was opened, that its PID is still the container's, so a PID
        // the kernel gave another process since berthd was asked is never copied from
        int pid = s.pid();
        Optional<InRoot> processRoot = InRoot.ofProcess(pid,
            () -> ContainerState.of(c.channel(), record).pid() == pid);
        if (processRoot.isPresent()) {
          return new ContainerRoot(processRoot.get(), Optional.empty(), copyMounts);
        }
        if (attempt == PROCESS_ROOT_ATTEMPTS) {
          throw new CommandFailure("container " + s.name() + " kept stopping and starting while cp looked for its "
              + "files; try again");
        }
        // stopped or started again meanwhile: as it is now
        s = ContainerState.of(c.channel(), record);
      }
      List<Mount> mounts = SnapshotsGrpc.newBlockingStub(c.channel()).mounts(MountsRequest.newBuilder()
          .setSnapshotter(s.record().getSnapshotter()).setKey(s.record().getSnapshotKey()).build()).getMountsList();
      CopyRootDirectory dir = CopyRootDirectory.create();
      try {
        InRoot files = dir.mountInside(() -> {
          for (Mount m : mounts) {
            HostCommands.mount(m, dir.root());
          }
          InRoot opened = InRoot.open(dir.root());
          try {
            copyMounts.mountUnder(opened, c.channel());
            return opened;
          } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
          }
        });
        return new ContainerRoot(files, Optional.of(dir), copyMounts);
      } catch (IOException | RuntimeException e) {
        dir.close();
        throw e;
      }
    }

    /** The root, opened once: every path of the copy is resolved by the kernel inside it. */
    InRoot files() {
      return files;
    }

    CopyMounts mounts() {
      return mounts;
    }

    @Override
    public void close() throws IOException {
      files.close();
      if (mounted.isPresent()) {
        mounted.get().close();
      }
    }
  }
}
