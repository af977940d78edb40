package dev.berth.volumes;

import berth.volumes.v1.Volume;
import dev.berth.api.VolumeNames;
import dev.berth.api.filter.Filter;
import dev.berth.api.labels.VolumeLabels;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.NamespaceRegistrar;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Named volumes per namespace: a record (labels, driver options, creation time) in the metadata
 * store and a data directory under the root, with the file system the options describe mounted on
 * it from the volume's create to its removal (again at each start, if it is not there). A volume
 * exists exactly when its record does: the directory is made (and mounted) before the record is
 * written and removed after the record is gone, and the start-up sweep clears directories a crash
 * left without a record. Changes are serialised: volumes change
 * rarely, and the in-use check must not race a delete.
 */
public final class VolumeStore {
  private static final Logger LOG = Logger.getLogger(VolumeStore.class.getName());
  static final String DRIVER = "local";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What Prune removed and how many bytes of files went with it. */
  public record Pruned(List<String> deleted, long bytes) {}

  private record Row(String name, Map<String, String> labels, Map<String, String> options, long createdAt) {}

  private final MetadataStore store;
  private final VolumeDirectories directories;
  private final VolumeUsers users;
  private final NamespaceRegistrar namespaces;

  /**
   * @param root durable state directory; data goes to {@code root/volumes}
   * @param store the metadata database (this class adds its table; the caller closes it)
   * @param api a channel to the Containers service, which tells which containers use a volume
   * @param namespaces creates a namespace on its first volume, as containerd does for its resources
   */
  public VolumeStore(Path root, MetadataStore store, Channel api, NamespaceRegistrar namespaces) throws IOException {
    this.store = store;
    this.directories = new VolumeDirectories(root);
    this.users = new VolumeUsers(api);
    this.namespaces = namespaces;
    store.migrate("volumes", List.of("""
        CREATE TABLE IF NOT EXISTS volumes (
          namespace TEXT NOT NULL,
          name TEXT NOT NULL,
          labels TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (namespace, name))"""));
    store.addColumn("volumes", "options", "TEXT", List.of("UPDATE volumes SET options = '{}' WHERE options IS NULL"));
    directories.sweep((namespace, name) -> store.read(c -> find(c, namespace, name)).isPresent());
    mountAll();
  }

  /** Mounts again what a reboot (or an unmount behind our back) took away; a volume that fails stays unmounted. */
  private void mountAll() {
    record WithOptions(String namespace, String name, Map<String, String> options) {}
    List<WithOptions> volumes = store.read(c -> Sql.query(c, "SELECT namespace, name, options FROM volumes "
        + "WHERE options != '{}'", r -> new WithOptions(r.getString("namespace"), r.getString("name"),
            Labels.fromJson(r.getString("options")))));
    for (WithOptions v : volumes) {
      try {
        LocalDriverOptions.parse(v.name(), v.options()).ifPresent(o -> mount(v.namespace(), v.name(), o));
      } catch (RuntimeException e) {
        LOG.warning("volume " + v.name() + " in namespace " + v.namespace() + " is not mounted: " + e.getMessage());
      }
    }
  }

  /** INVALID_ARGUMENT when the kernel refuses the mount: the options are what the user gave. */
  private void mount(String namespace, String name, LocalDriverOptions options) {
    try {
      directories.mount(namespace, name, options);
    } catch (IOException e) {
      throw Errors.invalidArgument("volume %s: cannot %s: %s", name, options.describe(), e.getMessage());
    }
  }

  /**
   * Creates an empty volume, with the file system {@code options} describe mounted on it (see
   * {@link LocalDriverOptions}); an empty name gets a generated one (64 hex digits) and Docker's
   * anonymous label, as Docker's daemon gives them, so that a prune takes it.
   */
  public Volume create(String namespace, String name, Map<String, String> given, Map<String, String> options) {
    String n = name.isEmpty() ? generatedName() : VolumeNames.validate("create", name);
    Map<String, String> labels = name.isEmpty() ? anonymous(given) : given;
    Labels.validate(labels);
    Optional<LocalDriverOptions> driverOptions = LocalDriverOptions.parse(n, options);
    namespaces.ensure(namespace);
    long now = EpochNanos.now();
    synchronized (this) {
      if (store.read(c -> find(c, namespace, n)).isPresent()) {
        throw Errors.alreadyExists("volume %s already exists in namespace %s", n, namespace);
      }
      try {
        directories.create(namespace, n);
      } catch (IOException e) {
        throw Errors.internal(e, "cannot create the directory of volume %s: %s", n, e.getMessage());
      }
      try {
        driverOptions.ifPresent(o -> mount(namespace, n, o));
        store.write(c -> Sql.update(c, "INSERT INTO volumes (namespace, name, labels, options, created_at) "
            + "VALUES (?, ?, ?, ?, ?)", namespace, n, Labels.toJson(labels), Labels.toJson(options), now));
      } catch (RuntimeException e) {
        removeData(namespace, n);
        throw e;
      }
    }
    LOG.info("created volume " + n + " in namespace " + namespace);
    return toProto(namespace, new Row(n, labels, options, now), List.of());
  }

  /**
   * Waits for a delete or prune under way: a client that finds its volume here after writing the
   * container record naming it can count on the volume staying (see {@link #delete}).
   */
  public synchronized Volume get(String namespace, String name) {
    VolumeNames.validate("get", name);
    Row row = store.read(c -> find(c, namespace, name)).orElseThrow(() -> notFound(namespace, name));
    return toProto(namespace, row, users.byVolume(namespace).getOrDefault(name, List.of()));
  }

  /** The namespace's volumes matching {@code filter} (fields: name, driver, labels.&lt;key&gt;), by name. */
  public List<Volume> list(String namespace, Filter filter) {
    Map<String, List<String>> usedBy = users.byVolume(namespace);
    List<Volume> volumes = new ArrayList<>();
    for (Row row : rows(namespace)) {
      if (filter.matches(path -> field(row, path))) {
        volumes.add(toProto(namespace, row, usedBy.getOrDefault(row.name(), List.of())));
      }
    }
    return volumes;
  }

  /** Removes the volume and its data; FAILED_PRECONDITION while a container record names it. */
  public synchronized void delete(String namespace, String name) {
    VolumeNames.validate("remove", name);
    if (store.read(c -> find(c, namespace, name)).isEmpty()) {
      throw notFound(namespace, name);
    }
    List<String> usedBy = users.byVolume(namespace).getOrDefault(name, List.of());
    if (!usedBy.isEmpty()) {
      // Docker's daemon's words (moby v27), which scripts match
      throw Errors.failedPrecondition("remove %s: volume is in use - [%s]", name, String.join(", ", usedBy));
    }
    deleteRecord(namespace, name);
    removeData(namespace, name);
    LOG.info("deleted volume " + name + " in namespace " + namespace);
  }

  /**
   * Removes the volumes of the namespace that no container record names and that match
   * {@code filter}: only anonymous ones unless {@code all}, as Docker 23 and later prune. A volume
   * with driver options is never pruned, as Docker's daemon skips them: a tmpfs volume's files
   * would be lost, and a bind volume's removal frees nothing.
   */
  public synchronized Pruned prune(String namespace, boolean all, Filter filter) {
    Map<String, List<String>> usedBy = users.byVolume(namespace);
    List<String> deleted = new ArrayList<>();
    long bytes = 0;
    for (Row row : rows(namespace)) {
      if (usedBy.containsKey(row.name()) || !row.options().isEmpty()
          || !(all || VolumeLabels.isAnonymous(row.labels())) || !filter.matches(path -> field(row, path))) {
        continue;
      }
      try {
        bytes += directories.size(namespace, row.name());
      } catch (IOException e) {
        LOG.warning("cannot measure volume " + row.name() + " in namespace " + namespace + ": " + e.getMessage());
      }
      deleteRecord(namespace, row.name());
      removeData(namespace, row.name());
      deleted.add(row.name());
    }
    LOG.info("pruned " + deleted.size() + " volumes (" + bytes + " bytes) in namespace " + namespace);
    return new Pruned(deleted, bytes);
  }

  private void deleteRecord(String namespace, String name) {
    store.write(c -> Sql.update(c, "DELETE FROM volumes WHERE namespace = ? AND name = ?", namespace, name));
  }

  /** The record is gone already, so a failure here only leaves files for the next start's sweep. */
  private void removeData(String namespace, String name) {
    try {
      directories.remove(namespace, name);
    } catch (IOException e) {
      LOG.warning("volume " + name + " in namespace " + namespace + ": data not fully removed, retried at next start: "
          + e.getMessage());
    }
  }

  private List<Row> rows(String namespace) {
    return store.read(c -> Sql.query(c,
        "SELECT name, labels, options, created_at FROM volumes WHERE namespace = ? ORDER BY name", VolumeStore::row,
        namespace));
  }

  private static Optional<Row> find(Connection c, String namespace, String name) throws SQLException {
    return Sql.queryOne(c, "SELECT name, labels, options, created_at FROM volumes WHERE namespace = ? AND name = ?",
        VolumeStore::row, namespace, name);
  }

  private static Row row(ResultSet r) throws SQLException {
    return new Row(r.getString("name"), Labels.fromJson(r.getString("labels")), Labels.fromJson(r.getString("options")),
        r.getLong("created_at"));
  }

  private Volume toProto(String namespace, Row row, List<String> usedBy) {
    return Volume.newBuilder()
        .setName(row.name())
        .setDriver(DRIVER)
        .setMountpoint(directories.mountpoint(namespace, row.name()).toString())
        .putAllLabels(row.labels())
        .putAllOptions(row.options())
        .setCreatedAt(EpochNanos.toTimestamp(row.createdAt()))
        .addAllUsedBy(usedBy)
        .build();
  }

  private static Optional<String> field(Row row, List<String> path) {
    String rest = String.join(".", path.subList(1, path.size()));
    return switch (path.get(0)) {
      case "name" -> path.size() == 1 ? Optional.of(row.name()) : Optional.empty();
      case "driver" -> path.size() == 1 ? Optional.of(DRIVER) : Optional.empty();
      case "labels" -> rest.isEmpty() ? Optional.empty() : Optional.ofNullable(row.labels().get(rest));
      default -> Optional.empty();
    };
  }

  private static Map<String, String> anonymous(Map<String, String> labels) {
    if (VolumeLabels.isAnonymous(labels)) {
      return labels;
    }
    Map<String, String> marked = new java.util.TreeMap<>(labels);
    marked.put(VolumeLabels.ANONYMOUS, "");
    return marked;
  }

  private static String generatedName() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static RuntimeException notFound(String namespace, String name) {
    return Errors.notFound("volume %s not found in namespace %s", name, namespace);
  }
}
