package dev.berth.snapshots.overlay;

import dev.berth.api.snapshots.SnapshotInfo;
import dev.berth.api.snapshots.SnapshotKind;
import java.time.Instant;
import java.util.Map;

/** One row of the snapshot table: a key in a namespace and the numeric id naming its directory. */
record SnapshotRecord(long id, String namespace, String key, Long parentId, String parentKey,
    SnapshotKind kind, Map<String, String> labels, Instant created, Instant updated, long size, long inodes) {

  SnapshotInfo info() {
    return new SnapshotInfo(key, parentKey == null ? "" : parentKey, kind, labels, created, updated);
  }
}
