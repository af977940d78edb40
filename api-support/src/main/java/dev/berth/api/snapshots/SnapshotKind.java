package dev.berth.api.snapshots;

/** What a snapshot is for: a writable work in progress, a read-only view, or an immutable layer. */
public enum SnapshotKind {
  ACTIVE("active"),
  VIEW("view"),
  COMMITTED("committed");

  private final String filterName;

  SnapshotKind(String filterName) {
    this.filterName = filterName;
  }

  /** The value the {@code kind} field has in List filters, as in containerd. */
  public String filterName() {
    return filterName;
  }
}
