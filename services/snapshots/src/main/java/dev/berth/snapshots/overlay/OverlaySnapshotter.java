package dev.berth.snapshots.overlay;

import dev.berth.api.filter.Filter;
import dev.berth.api.fs.AtomicFiles;
import dev.berth.api.grpc.Errors;
import dev.berth.api.mount.Mount;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.store.LabelMask;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.api.snapshots.SnapshotInfo;
import dev.berth.api.snapshots.SnapshotKind;
import dev.berth.api.snapshots.SnapshotUsage;
import dev.berth.api.snapshots.Snapshotter;
import dev.berth.snapshots.fs.ImpliedDirectories;
import dev.berth.snapshots.fs.TreeUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * containerd's overlay snapshotter: each snapshot is a directory {@code snapshots/<id>} holding
 * {@code fs} (its layer; the overlay upperdir while active) and {@code work} (overlay's workdir).
 * Records live in the metadata store; keys are per namespace, ids are global and never reused.
 * A directory is created under a temporary name and renamed to its id inside the transaction
 * that records it; removal deletes the record first and the directory after, so a crash leaves
 * at most unreferenced directories, which {@link #cleanup()} removes.
 */
public final class OverlaySnapshotter implements Snapshotter {
  public static final String NAME = "overlayfs";
  private static final Logger LOG = Logger.getLogger(OverlaySnapshotter.class.getName());
  private static final Path OVERLAY_INDEX_PARAMETER = Path.of("/sys/module/overlay/parameters/index");

  private final Path snapshotsDir;
  private final MetadataStore store;
  private final SnapshotTable table = new SnapshotTable(NAME);
  private final boolean indexOff;

  /**
   * Keeps data under {@code root} (e.g. {@code <berth root>/snapshots/overlayfs}) and records in
   * {@code store}.
   */
  public OverlaySnapshotter(Path root, MetadataStore store) throws IOException {
    this.snapshotsDir = root.toAbsolutePath().resolve("snapshots");
    this.store = store;
    Files.createDirectories(snapshotsDir);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(snapshotsDir, PosixFilePermissions.fromString("rwx------"));
    // like containerd, turn overlay's inode index off where the kernel knows the option: with it
    // on, a layer could not be used as lowerdir of two overlays whose upperdirs differ
    this.indexOff = Files.exists(OVERLAY_INDEX_PARAMETER);
    store.migrate("snapshots/" + NAME, table.schema());
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The directory of snapshot {@code id}'s layer (its upperdir while active). */
  private Path fsDir(long id) {
    return snapshotsDir.resolve(Long.toString(id)).resolve("fs");
  }

  private Path workDir(long id) {
    return snapshotsDir.resolve(Long.toString(id)).resolve("work");
  }

  @Override
  public List<Mount> prepare(String namespace, String key, String parent, Map<String, String> labels)
      throws IOException {
    return create(SnapshotKind.ACTIVE, namespace, key, parent, labels);
  }

  @Override
  public List<Mount> view(String namespace, String key, String parent, Map<String, String> labels)
      throws IOException {
    return create(SnapshotKind.VIEW, namespace, key, parent, labels);
  }

  private List<Mount> create(SnapshotKind kind, String namespace, String key, String parent,
      Map<String, String> labels) throws IOException {
    Labels.validate(labels);
    Path[] staging = new Path[1];
    try {
      return store.write(c -> {
        if (table.find(c, namespace, key).isPresent()) {
          throw Errors.alreadyExists("snapshot %s already exists", key);
        }
        SnapshotRecord parentRecord = null;
        if (!parent.isEmpty()) {
          parentRecord = table.find(c, namespace, parent)
              .orElseThrow(() -> Errors.notFound("parent snapshot %s does not exist", parent));
          if (parentRecord.kind() != SnapshotKind.COMMITTED) {
            throw Errors.invalidArgument("parent %s is not a committed snapshot", parent);
          }
        }
        Long parentId = parentRecord == null ? null : parentRecord.id();
        long id = table.insert(c, namespace, key, parentId, kind, withoutEmptyValues(labels), Instant.now());
        unchecked(() -> {
          staging[0] = Files.createTempDirectory(snapshotsDir, "new-");
          populate(staging[0], kind, parentId);
          Path target = snapshotsDir.resolve(Long.toString(id));
          // a directory with an id no committed record has is debris of a crash
          FileTrees.deleteRecursively(target);
          Files.move(staging[0], target, StandardCopyOption.ATOMIC_MOVE);
          AtomicFiles.fsyncDirectory(snapshotsDir);
        });
        SnapshotRecord created = table.findById(c, id).orElseThrow();
        return mounts(created, table.ancestors(c, created));
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      if (staging[0] != null) {
        FileTrees.deleteRecursively(staging[0]);
      }
    }
  }

  /** Gives a new snapshot's directory its {@code fs} (and {@code work} for active snapshots). */
  private void populate(Path dir, SnapshotKind kind, Long parentId) throws IOException {
    Path fs = Files.createDirectory(dir.resolve("fs"));
    Files.setPosixFilePermissions(fs, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (kind == SnapshotKind.ACTIVE) {
      Path work = Files.createDirectory(dir.resolve("work"));
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    }
    if (parentId != null) {
      // the layer's root directory shows through as the parent's: give it the parent's owner
      Path parentFs = fsDir(parentId);
      Files.setAttribute(fs, "unix:uid", Files.getAttribute(parentFs, "unix:uid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(fs, "unix:gid", Files.getAttribute(parentFs, "unix:gid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** containerd's overlay mounts for a snapshot whose ancestors are {@code parents}, nearest first. */
  private List<Mount> mounts(SnapshotRecord s, List<Long> parents) {
    if (parents.isEmpty()) {
      String mode = s.kind() == SnapshotKind.VIEW ? "ro" : "rw";
      return List.of(new Mount("bind", fsDir(s.id()).toString(), List.of(mode, "rbind")));
    }
    if (s.kind() == SnapshotKind.VIEW && parents.size() == 1) {
      // overlay needs two lower layers without an upper one; one layer is just a read-only bind
      return List.of(new Mount("bind", fsDir(parents.get(0)).toString(), List.of("ro", "rbind")));
    }
    List<String> options = new ArrayList<>();
    if (indexOff) {
      options.add("index=off");
    }
    if (s.kind() == SnapshotKind.ACTIVE) {
      options.add("workdir=" + workDir(s.id()));
      options.add("upperdir=" + fsDir(s.id()));
    }
    options.add("lowerdir=" + parents.stream().map(id -> fsDir(id).toString()).collect(Collectors.joining(":")));
    return List.of(new Mount("overlay", "overlay", options));
  }

  @Override
  public List<Mount> mounts(String namespace, String key) {
    return store.read(c -> {
      SnapshotRecord s = existing(c, namespace, key);
      if (s.kind() == SnapshotKind.COMMITTED) {
        throw Errors.failedPrecondition("snapshot %s is committed: only active snapshots and views have mounts", key);
      }
      return mounts(s, table.ancestors(c, s));
    });
  }

  @Override
  public void commit(String namespace, String name, String key, Map<String, String> labels, String parent)
      throws IOException {
    Labels.validate(labels);
    SnapshotRecord active = store.read(c -> committable(c, namespace, name, key));
    Long rebaseOnto = store.read(c -> rebaseTarget(c, namespace, active, parent));
    if (rebaseOnto != null) {
      // the layer was unpacked before its parent was there: its implied directories take their
      // metadata now (the parent chain is committed, hence immutable, while this reads it)
      List<Path> lowers = new ArrayList<>();
      lowers.add(fsDir(rebaseOnto));
      store.read(c -> table.ancestors(c, table.findById(c, rebaseOnto).orElseThrow())).forEach(id -> lowers.add(fsDir(id)));
      ImpliedDirectories.settle(fsDir(active.id()), lowers);
    }
    // measured outside the transaction: walking a large layer must not hold up other writers
    SnapshotUsage usage = TreeUsage.of(fsDir(active.id()));
    store.write(c -> {
      SnapshotRecord s = committable(c, namespace, name, key);
      if (s.id() != active.id()) {
        throw Errors.failedPrecondition("snapshot %s changed while being committed", key);
      }
      Long onto = rebaseTarget(c, namespace, s, parent);
      table.commit(c, s.id(), name, onto != null ? onto : s.parentId(), withoutEmptyValues(labels), Instant.now(),
          usage.size(), usage.inodes());
      return null;
    });
  }

  /**
   * The id of the committed snapshot {@code parent} names when {@code active}, prepared on none,
   * is to be committed onto it; null when there is nothing to change.
   */
  private Long rebaseTarget(Connection c, String namespace, SnapshotRecord active, String parent) throws SQLException {
    if (parent.isEmpty()) {
      return null;
    }
    SnapshotRecord p = table.find(c, namespace, parent)
        .orElseThrow(() -> Errors.notFound("parent snapshot %s does not exist", parent));
    if (p.kind() != SnapshotKind.COMMITTED) {
      throw Errors.invalidArgument("parent %s is not a committed snapshot", parent);
    }
    if (active.parentId() == null) {
      return p.id();
    }
    if (active.parentId() != p.id()) {
      throw Errors.invalidArgument("snapshot %s was prepared on %s and cannot be committed onto %s",
          active.key(), active.parentKey(), parent);
    }
    return null;
  }

  /** Checks in containerd's order: the name is free, the key exists, the key is active. */
  private SnapshotRecord committable(Connection c, String namespace, String name, String key) throws SQLException {
    if (table.find(c, namespace, name).isPresent()) {
      throw Errors.alreadyExists("snapshot %s already exists", name);
    }
    SnapshotRecord s = existing(c, namespace, key);
    if (s.kind() != SnapshotKind.ACTIVE) {
      throw Errors.failedPrecondition("snapshot %s is not active", key);
    }
    return s;
  }

  @Override
  public void remove(String namespace, String key) throws IOException {
    long id = store.write(c -> {
      SnapshotRecord s = existing(c, namespace, key);
      if (table.hasChildren(c, s.id())) {
        throw Errors.failedPrecondition("cannot remove snapshot %s: it has children", key);
      }
      table.delete(c, s.id());
      return s.id();
    });
    deleteDirectory(namespace, key, id);
  }

  private void deleteDirectory(String namespace, SnapshotRecord s) {
    deleteDirectory(namespace, s.key(), s.id());
  }

  /** After its record: failing to free the space now is for Cleanup to fix. */
  private void deleteDirectory(String namespace, String key, long id) {
    Path dir = snapshotsDir.resolve(Long.toString(id));
    Path trash = snapshotsDir.resolve("trash-" + id);
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      }
      FileTrees.deleteRecursively(trash);
    } catch (IOException e) {
      LOG.warning("snapshot " + key + " in namespace " + namespace + " removed, but not its directory "
          + dir + " (Cleanup retries): " + e.getMessage());
    }
  }

  /**
   * Removes those of {@code keys} (given children first) that exist, have no children left and
   * are not {@code spared}, as garbage collection does: their records in one transaction, then
   * their directories. {@code spared} is asked inside that transaction. Returns the keys removed
   * with the bytes each took.
   */
  public Map<String, Long> removeAll(String namespace, List<String> keys, Predicate<String> spared) {
    List<SnapshotRecord> removed = store.write(c -> {
      List<SnapshotRecord> out = new ArrayList<>();
      for (String key : keys) {
        if (spared.test(key)) {
          continue;
        }
        Optional<SnapshotRecord> s = table.find(c, namespace, key);
        if (s.isPresent() && !table.hasChildren(c, s.get().id())) {
          table.delete(c, s.get().id());
          out.add(s.get());
        }
      }
      return out;
    });
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (SnapshotRecord s : removed) {
      long size = s.size();
      if (s.kind() != SnapshotKind.COMMITTED) {
        try {
          size = TreeUsage.of(fsDir(s.id())).size();
        } catch (IOException e) {
          size = 0;
        }
      }
      sizes.put(s.key(), size);
      deleteDirectory(namespace, s);
    }
    return sizes;
  }

  @Override
  public SnapshotInfo stat(String namespace, String key) {
    return store.read(c -> existing(c, namespace, key).info());
  }

  @Override
  public SnapshotInfo update(String namespace, String key, Map<String, String> labels, List<String> fieldPaths) {
    return store.write(c -> {
      SnapshotRecord s = existing(c, namespace, key);
      LabelMask.requireOnlyLabels("snapshot", key, fieldPaths);
      Map<String, String> result = withoutEmptyValues(Labels.validate(LabelMask.apply(s.labels(), labels, fieldPaths)));
      table.updateLabels(c, s.id(), result, Instant.now());
      return table.findById(c, s.id()).orElseThrow().info();
    });
  }

  @Override
  public List<SnapshotInfo> list(String namespace, Filter filter) {
    List<SnapshotRecord> all = store.read(c -> table.list(c, namespace));
    List<SnapshotInfo> out = new ArrayList<>();
    for (SnapshotRecord r : all) {
      SnapshotInfo info = r.info();
      if (filter.matches(path -> field(info, path))) {
        out.add(info);
      }
    }
    return out;
  }

  private static Optional<String> field(SnapshotInfo info, List<String> path) {
    return switch (path.get(0)) {
      case "kind" -> Optional.of(info.kind().filterName());
      case "name" -> Optional.of(info.name());
      case "parent" -> Optional.of(info.parent());
      case "labels" -> path.size() < 2 ? Optional.empty()
          : Optional.ofNullable(info.labels().get(String.join(".", path.subList(1, path.size()))));
      default -> Optional.empty();
    };
  }

  @Override
  public SnapshotUsage usage(String namespace, String key) throws IOException {
    SnapshotRecord s = store.read(c -> existing(c, namespace, key));
    if (s.kind() != SnapshotKind.ACTIVE) {
      return new SnapshotUsage(s.size(), s.inodes());
    }
    return TreeUsage.of(fsDir(s.id()));
  }

  @Override
  public void cleanup() throws IOException {
    // scanned under the store's lock: a snapshot being created holds it from its staging
    // directory until the rename, so nothing found here is still in the making
    List<Path> debris;
    try {
      debris = store.write(c -> {
        Set<Long> ids = table.ids(c);
        List<Path> found = new ArrayList<>();
        unchecked(() -> {
          try (DirectoryStream<Path> entries = Files.newDirectoryStream(snapshotsDir)) {
            for (Path p : entries) {
              String n = p.getFileName().toString();
              if (!n.matches("[0-9]{1,18}") || !ids.contains(Long.parseLong(n))) {
                found.add(p);
              }
            }
          }
        });
        return found;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : debris) {
      LOG.info("removing unreferenced snapshot directory " + p);
      FileTrees.deleteRecursively(p);
    }
  }

  private SnapshotRecord existing(Connection c, String namespace, String key) throws SQLException {
    return table.find(c, namespace, key).orElseThrow(() -> Errors.notFound("snapshot %s does not exist", key));
  }

  /** containerd stores no empty label values: an empty value removes the label. */
  private static Map<String, String> withoutEmptyValues(Map<String, String> labels) {
    Map<String, String> out = new TreeMap<>();
    labels.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k, v);
      }
    });
    return out;
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Runs file work inside a store transaction, whose callbacks may only throw SQL or unchecked exceptions. */
  private static void unchecked(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
