package dev.berth.gc;

/**
 * Something a collection may keep or remove within one namespace, named as lease resources name
 * it: {@code content}/digest, {@code snapshots/<snapshotter>}/key, {@code ingests}/ref.
 */
record Node(String type, String id) {
  static final String CONTENT = "content";
  static final String INGESTS = "ingests";
  static final String SNAPSHOTS = "snapshots/";

  static Node content(String digest) {
    return new Node(CONTENT, digest);
  }

  static Node snapshot(String snapshotter, String key) {
    return new Node(SNAPSHOTS + snapshotter, key);
  }

  static Node ingest(String ref) {
    return new Node(INGESTS, ref);
  }

  boolean isSnapshot() {
    return type.startsWith(SNAPSHOTS);
  }

  /** The snapshotter of a snapshot node. */
  String snapshotter() {
    return type.substring(SNAPSHOTS.length());
  }

  @Override
  public String toString() {
    return type + " " + id;
  }
}
