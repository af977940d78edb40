package dev.berth.api.snapshots;

import java.time.Instant;
import java.util.Map;

/** What Stat, Update and List tell about a snapshot; {@code parent} is empty for a base snapshot. */
public record SnapshotInfo(String name, String parent, SnapshotKind kind, Map<String, String> labels,
    Instant created, Instant updated) {
  public SnapshotInfo {
    labels = Map.copyOf(labels);
  }
}
