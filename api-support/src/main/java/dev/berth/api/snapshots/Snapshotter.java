package dev.berth.api.snapshots;

import dev.berth.api.filter.Filter;
import dev.berth.api.mount.Mount;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A snapshotter as containerd defines it: keys name snapshots within a namespace; active ones
 * are writable, views read-only, committed ones immutable parents for others. Failures a caller
 * causes are {@link dev.berth.api.grpc.BerthException}s carrying containerd's status codes.
 */
public interface Snapshotter {
  /** The name clients select it by, e.g. {@code overlayfs}. */
  String name();

  /** Creates active snapshot {@code key} on top of committed {@code parent} (empty for none). */
  List<Mount> prepare(String namespace, String key, String parent, Map<String, String> labels)
      throws IOException;

  /** Creates read-only view {@code key} of committed {@code parent} (empty for an empty view). */
  List<Mount> view(String namespace, String key, String parent, Map<String, String> labels)
      throws IOException;

  /** The mounts of an active snapshot or view. */
  List<Mount> mounts(String namespace, String key);

  /** Turns active snapshot {@code key} into committed snapshot {@code name}; the key is gone after. */
  default void commit(String namespace, String name, String key, Map<String, String> labels) throws IOException {
    commit(namespace, name, key, labels, "");
  }

  /**
   * As {@link #commit(String, String, String, Map)}, with the committed snapshot on {@code parent}
   * when {@code key} was prepared on no parent (containerd's rebase at commit, which lets layers
   * be unpacked side by side and chained as they are committed). {@code parent} must be a
   * committed snapshot (NOT_FOUND, INVALID_ARGUMENT); a snapshot prepared on a parent can be
   * committed only on that one (INVALID_ARGUMENT); empty keeps the parent the key was prepared on.
   */
  void commit(String namespace, String name, String key, Map<String, String> labels, String parent)
      throws IOException;

  /** Removes snapshot {@code key}, which must have no children, and its data. */
  void remove(String namespace, String key) throws IOException;

  SnapshotInfo stat(String namespace, String key);

  /**
   * Changes the labels of {@code key}: {@code fieldPaths} {@code labels} replaces them all,
   * {@code labels.<k>} sets or (with no value given) removes one; no paths replaces them all.
   */
  SnapshotInfo update(String namespace, String key, Map<String, String> labels, List<String> fieldPaths);

  /** The namespace's snapshots that match {@code filter}, ordered by key. */
  List<SnapshotInfo> list(String namespace, Filter filter);

  SnapshotUsage usage(String namespace, String key) throws IOException;

  /** Removes data left behind by removals that did not finish (e.g. after a crash). */
  void cleanup() throws IOException;
}
