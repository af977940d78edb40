package dev.berth.client.build;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.api.Digests;
import dev.berth.client.spec.RootfsFiles;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a RUN's container mounts beside its image, as {@code --mount} flags of {@code run}, and what
 * is held for them until closing: directories made on this host, root file systems of {@code from},
 * cache locks. berthctl build mounts its stages' snapshots on this host already, so berthd is on it
 * too. Nothing mounted is part of the step's layer.
 * <ul>
 *   <li>{@code type=bind}: a copy of the context's {@code source} (what Docker's CLI would send of it),
 *       or {@code from}'s root file system; a copy, so that {@code rw}'s changes are discarded.
 *   <li>{@code type=cache}: a volume of berthd's, {@code berth-build-cache-…} labelled
 *       {@value #CACHE_LABEL} with the cache's id, kept between builds; made with {@code mode},
 *       {@code uid}, {@code gid} (and {@code from}'s files); {@code sharing=locked} waits for
 *       another build's RUN to end with it, {@code private} takes an empty directory of its own then.
 *   <li>{@code type=tmpfs}.
 * </ul>
 */
final class RunMounts implements AutoCloseable {
  static final String CACHE_LABEL = "berth.build.cache-mount";
  static final String LOCK_FILE = "berthctl-build.lock";
  /** Beside a cache volume's data: a completed fill, written last. */
  static final String FILLED_MARKER = "berthctl-build.filled";
  /** Beside a cache volume's data: held while one build fills it. */
  static final String FILL_LOCK_FILE = "berthctl-build-fill.lock";
  private static final String FILL_PREFIX = ".berthctl-build-fill-";
  /** How often a cache volume removed while this build waited to fill it is made again. */
  private static final int FILL_ATTEMPTS = 5;
  private final Channel leased;
  private final BaseImages baseImages;
  private final BuildContext context;
  private final List<StageState> done;
  private final Cancellation cancellation;
  private final List<String> flags = new ArrayList<>();
  private final List<String> directories = new ArrayList<>();
  private final List<String> files = new ArrayList<>();
  private final List<Path> made = new ArrayList<>();
  private final List<FromRootfs> roots = new ArrayList<>();
  private final List<FileChannel> locks = new ArrayList<>();
  private final Map<String, CacheMount> caches = new HashMap<>();

  RunMounts(Channel leased, BaseImages baseImages, BuildContext context, List<StageState> done,
      Cancellation cancellation) {
    this.leased = leased;
    this.baseImages = baseImages;
    this.context = context;
    this.done = done;
    this.cancellation = cancellation;
  }

  List<String> flags() {
    return List.copyOf(flags);
  }

  /** The mount points that are directories, for the init layer to hold. */
  List<String> directories() {
    return List.copyOf(directories);
  }

  /** The mount points that are files. */
  List<String> files() {
    return List.copyOf(files);
  }

  /**
   * The mount as the step's history and cache key have it: with what a bind mounts named by its
   * content (the context's files by their hash, a stage or image by its id), so that a change to it
   * runs the step again, as BuildKit's cache does. A cache's content is in no key.
   */
  String describe(RunMount m) throws IOException {
    if (!m.type().equals("bind")) {
      return m.describe();
    }
    if (m.from() == null) {
      CopySource files = context.files();
      return m.describe() + "@" + CopyHash.of(files, contextSource(files, m));
    }
    StageState stage = stage(m.from());
    return m.describe() + "@" + (stage != null ? stage.imageId : baseImages.find(m.from()).target().digest());
  }

  /** A here-document that starts with {@code #!}, executable at {@code /dev/pipes/NAME}, read-only. */
  void script(Heredoc script) throws IOException {
    // a fixed name on this host: the here-document's, from the Dockerfile, is only the mount point's
    Path file = newDirectory("pipes").resolve("script");
    Files.writeString(file, script.text());
    Files.setAttribute(file, "unix:mode", 0755);
    bind(file, RunCommand.PIPES + "/" + script.name(), true);
  }

  void add(RunMount m) throws IOException {
    switch (m.type()) {
      case "tmpfs" -> {
        directories.add(m.target());
        List<String> fields = new ArrayList<>(List.of("type=tmpfs", "target=" + m.target()));
        if (m.size() != null) {
          fields.add("tmpfs-size=" + m.size());
        }
        if (m.readOnly()) {
          fields.add("readonly");
        }
        flags.add(mountFlag(fields));
      }
      case "cache" -> cache(m);
      default -> bindMount(m);
    }
  }

  private void bindMount(RunMount m) throws IOException {
    Path copy = newDirectory("bind");
    if (m.from() == null) {
      CopySource files = context.files();
      List<CopySource.Found> found = contextSource(files, m);
      new FileCopier(copy, 0, 0, null, cancellation).copy(files, found, "/", false);
      bind(mounted(copy, files, found.get(0)), m.target(), m.readOnly());
      return;
    }
    FromRootfs root = FromRootfs.open(leased, baseImages, done, m.from());
    roots.add(root);
    Path source = RootfsFiles.pathInside(root.dir(), "/" + m.source());
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildStepException("RUN --mount: " + m.source() + " not found in " + m.from(), 1);
    }
    if (m.readOnly()) {
      bind(source, m.target(), true);
      return;
    }
    CopySource files = new CopySource(root.dir(), p -> true);
    String rel = root.dir().relativize(source).toString();
    CopySource.Found found = new CopySource.Found(rel.isEmpty() ? "" : source.getFileName().toString(), rel);
    new FileCopier(copy, 0, 0, null, cancellation).copy(files, List.of(found), "/", false);
    bind(mounted(copy, files, found), m.target(), false);
  }

  /** Where in {@code copy} the source copied there is: {@code copy} itself for a directory's contents. */
  private static Path mounted(Path copy, CopySource files, CopySource.Found found) {
    Path source = found.path().isEmpty() ? files.root() : files.root().resolve(found.path());
    return Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) ? copy
        : copy.resolve(Path.of(found.name()).getFileName().toString());
  }

  private List<CopySource.Found> contextSource(CopySource files, RunMount m) {
    List<CopySource.Found> found = files.resolve(m.source().isEmpty() ? "." : m.source());
    if (found.size() != 1) {
      throw new BuildStepException("RUN --mount: " + m.source() + " not found in build context or excluded by "
          + ".dockerignore", 1);
    }
    return found;
  }

  private StageState stage(String from) {
    String lower = from.toLowerCase(Locale.ROOT);
    if (lower.matches("\\d+") && Integer.parseInt(lower) < done.size()) {
      return done.get(Integer.parseInt(lower));
    }
    return done.stream().filter(s -> lower.equals(s.name)).findFirst().orElse(null);
  }

  private void cache(RunMount m) throws IOException {
    // one id mounted twice in a RUN is one cache, whatever its sharing, as BuildKit mounts it
    CacheMount cache = caches.get(m.id());
    if (cache == null) {
      cache = cacheOf(m);
      caches.put(m.id(), cache);
    }
    if (cache.own() != null) {
      bind(cache.own(), m.target(), m.readOnly());
      return;
    }
    directories.add(m.target());
    flags.add(mountFlag(m.readOnly()
        ? List.of("type=volume", "source=" + cache.volume(), "target=" + m.target(), "volume-nocopy", "readonly")
        : List.of("type=volume", "source=" + cache.volume(), "target=" + m.target(), "volume-nocopy")));
  }

  /** Where a cache is for this RUN: its volume, or a directory of its own ({@code private}, the volume in use). */
  private record CacheMount(String volume, Path own) {}

  private CacheMount cacheOf(RunMount m) throws IOException {
    String name = "berth-build-cache-" + Digests.hex(Digests.sha256(m.id().getBytes(StandardCharsets.UTF_8)))
        .substring(0, 24);
    Volume volume = cacheVolume(name, m);
    if (!m.sharing().equals("shared")) {
      FileChannel lock = lockOf(volume);
      if (m.sharing().equals("locked")) {
        lock.lock();
      } else if (lock.tryLock() == null) {
        // private, and another build's RUN has it: a cache of its own, as BuildKit makes one, gone after
        Path own = newDirectory("cache");
        fill(own, m);
        return new CacheMount(null, own);
      }
    }
    return new CacheMount(volume.getName(), null);
  }

  /**
   * The lock of a cache's volume: a file beside its data, in berthd's directory of the volume,
   * where only root writes (so no user of this host can put a link in its place), gone with the
   * volume. Not a link is opened all the same.
   */
  private FileChannel lockOf(Volume volume) throws IOException {
    FileChannel lock = FileChannel.open(Path.of(volume.getMountpoint()).resolveSibling(LOCK_FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    locks.add(lock);
    return lock;
  }

  /**
   * The cache's volume, made if this is its first use and filled unless a fill was completed: a
   * build killed mid-fill (SIGKILL, which runs no clean-up) leaves a volume without the marker
   * {@value #FILLED_MARKER}, which the next build fills again rather than taking as filled. One
   * removed while this build waited to fill it (the fill under way failed) is made again.
   */
  private Volume cacheVolume(String name, RunMount m) throws IOException {
    VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(leased);
    for (int attempt = 1; ; attempt++) {
      Volume volume = existingOrNew(volumes, name, m);
      Path data = Path.of(volume.getMountpoint());
      if (Files.exists(data.resolveSibling(FILLED_MARKER)) || fillOnce(volumes, name, data, m)) {
        return volume;
      }
      if (attempt == FILL_ATTEMPTS) {
        throw new IOException("build cache volume " + name + " was removed " + FILL_ATTEMPTS
            + " times while this build waited to fill it; try again");
      }
    }
  }

  private static Volume existingOrNew(VolumesGrpc.VolumesBlockingStub volumes, String name, RunMount m) {
    try {
      return volumes.get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    try {
      return volumes.create(CreateVolumeRequest.newBuilder().setName(name).putLabels(CACHE_LABEL, m.id()).build())
          .getVolume();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
      // another build made it meanwhile
      return volumes.get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume();
    }
  }

  /**
   * Fills the volume's {@code data} unless another build did while this one waited for the fill
   * lock ({@value #FILL_LOCK_FILE} beside it, held while filling, released by the kernel when a
   * build dies), then writes the marker, the last thing, once the fill is on disk. A fill that
   * fails removes the volume before it lets go of the lock, so a build that waited for the lock
   * finds the volume gone (its lock file no longer at its path) rather than having it removed
   * under its own fill: false then, for it to make the volume again and fill it itself.
   */
  private boolean fillOnce(VolumesGrpc.VolumesBlockingStub volumes, String name, Path data, RunMount m)
      throws IOException {
    Path marker = data.resolveSibling(FILLED_MARKER);
    Path lockFile = data.resolveSibling(FILL_LOCK_FILE);
    Optional<OpenFillLock> opened = OpenFillLock.open(lockFile);
    if (opened.isEmpty()) {
      return false;
    }
    try (OpenFillLock lock = opened.get(); FileLock held = lock.lock()) {
      if (!lock.stillAt(lockFile)) {
        return false;
      }
      if (Files.exists(marker)) {
        return true;
      }
      try {
        fillVolume(data, m);
        syncDirectory(data.getParent());
        Files.createFile(marker);
        syncDirectory(data.getParent());
      } catch (IOException | RuntimeException e) {
        // a cache whose fill failed is not kept half-made
        try {
          volumes.delete(DeleteVolumeRequest.newBuilder().setName(name).build());
        } catch (StatusRuntimeException notRemoved) {
          e.addSuppressed(notRemoved);
        }
        throw e;
      }
      return true;
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * Fills the volume's {@code data} in a directory beside it, then renames that onto it: a build
   * that takes the volume meanwhile finds it empty or filled, never half-filled. What a fill cut
   * short left (its directory beside, or its files renamed in before the marker) goes first.
   * Should the rename be refused (a RUN has the empty one mounted already), the files move in one
   * by one.
   */
  private void fillVolume(Path data, RunMount m) throws IOException {
    try (Stream<Path> beside = Files.list(data.getParent())) {
      for (Path left : beside.filter(p -> p.getFileName().toString().startsWith(FILL_PREFIX)).toList()) {
        deleteTree(left);
      }
    }
    try (Stream<Path> entries = Files.list(data)) {
      for (Path left : entries.toList()) {
        deleteTree(left);
      }
    }
    Path staging = Files.createTempDirectory(data.getParent(), FILL_PREFIX);
    try {
      fill(staging, m);
      try {
        Files.move(staging, data, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException inUse) {
        try (Stream<Path> entries = Files.list(staging)) {
          for (Path entry : entries.toList()) {
            Files.move(entry, data.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
          }
        }
        ownAsAsked(data, m);
      }
    } finally {
      deleteTree(staging);
    }
  }

  /** A new cache directory: {@code from}'s files, if given, and the mode and owner asked for. */
  private void fill(Path dir, RunMount m) throws IOException {
    if (m.from() != null) {
      try (FromRootfs root = FromRootfs.open(leased, baseImages, done, m.from())) {
        Path source = RootfsFiles.pathInside(root.dir(), "/" + m.source());
        if (Files.isDirectory(source)) {
          String rel = root.dir().relativize(source).toString();
          new FileCopier(dir, m.uid(), m.gid(), null, cancellation).copy(new CopySource(root.dir(), p -> true),
              List.of(new CopySource.Found("", rel)), "/", false);
        }
      }
    }
    ownAsAsked(dir, m);
  }

  private static void ownAsAsked(Path dir, RunMount m) throws IOException {
    Files.setAttribute(dir, "unix:uid", m.uid());
    Files.setAttribute(dir, "unix:gid", m.gid());
    Files.setAttribute(dir, "unix:mode", m.mode());
  }

  /**
   * A new directory for a mount, 0755 as BuildKit makes its mounts' roots, so that a RUN under a
   * USER other than root can read it; inside a temporary directory of root's alone (0700), so that no
   * other user of this host can: the container reaches the mount without going through it.
   */
  private Path newDirectory(String what) throws IOException {
    Path parent = Files.createTempDirectory("berthctl-build-" + what);
    made.add(parent);
    Path dir = Files.createDirectory(parent.resolve(what));
    Files.setAttribute(dir, "unix:mode", 0755);
    return dir;
  }

  private void bind(Path source, String target, boolean readOnly) {
    (Files.isDirectory(source) ? directories : files).add(target);
    flags.add(bindFlag(source, target, readOnly));
  }

  static String bindFlag(Path source, String target, boolean readOnly) {
    return mountFlag(readOnly ? List.of("type=bind", "source=" + source, "target=" + target, "readonly")
        : List.of("type=bind", "source=" + source, "target=" + target));
  }

  /**
   * The run's {@code --mount} text of {@code fields}, each quoted as the flag's CSV reads a field
   * (quotes doubled): a value (a target from a build argument, a context file's name) with a comma
   * in it stays that value, and cannot add a field of its own, such as a second {@code source=}.
   */
  private static String mountFlag(List<String> fields) {
    return String.join(",", fields.stream().map(f -> '"' + f.replace("\"", "\"\"") + '"').toList());
  }

  @Override
  public void close() throws IOException {
    for (FileChannel lock : locks) {
      // closing the channel releases its lock
      lock.close();
    }
    for (FromRootfs root : roots) {
      root.close();
    }
    for (Path dir : made) {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
