package dev.berth.gc;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One namespace's collectable things as listed at the start of a collection, and the marking
 * over them: what the roots reach along gc.ref labels and parent chains stays, the rest is
 * garbage. Anything created after the listing is not in it, so it is never a candidate.
 */
final class NamespaceGraph {
  record Blob(String digest, long size, Map<String, String> labels) {}

  record Snapshot(Node node, String parent, Map<String, String> labels) {}

  record Ingest(String ref, long size, Instant updated) {}

  /** What a collection removes, snapshots ordered children before parents. */
  record Garbage(List<Blob> content, List<Snapshot> snapshots, List<Ingest> ingests) {
    boolean isEmpty() {
      return content.isEmpty() && snapshots.isEmpty() && ingests.isEmpty();
    }
  }

  private final String namespace;
  private final Set<String> snapshotters;
  private final Map<String, Blob> content = new LinkedHashMap<>();
  private final Map<Node, Snapshot> snapshots = new LinkedHashMap<>();
  private final Map<String, Ingest> ingests = new LinkedHashMap<>();

  NamespaceGraph(String namespace, Set<String> snapshotters) {
    this.namespace = namespace;
    this.snapshotters = snapshotters;
  }

  void add(Blob blob) {
    content.put(blob.digest(), blob);
  }

  void add(Snapshot snapshot) {
    snapshots.put(snapshot.node(), snapshot);
  }

  void add(Ingest ingest) {
    ingests.put(ingest.ref(), ingest);
  }

  /**
   * Everything reached from {@code roots} and from what carries a {@code containerd.io/gc.root}
   * label. Ingests are reached only as roots (a lease holding them).
   */
  Set<Node> mark(Collection<Node> roots) {
    Set<Node> marked = new HashSet<>();
    Deque<Node> todo = new ArrayDeque<>(roots);
    content.values().stream().filter(b -> LabelRefs.isRoot(b.labels())).forEach(b -> todo.add(Node.content(b.digest())));
    snapshots.values().stream().filter(s -> LabelRefs.isRoot(s.labels())).forEach(s -> todo.add(s.node()));
    while (!todo.isEmpty()) {
      Node n = todo.poll();
      if (!marked.add(n)) {
        continue;
      }
      if (n.type().equals(Node.CONTENT)) {
        Blob b = content.get(n.id());
        if (b != null) {
          LabelRefs.follow(namespace + " content " + n.id(), b.labels(), snapshotters, todo::add);
        }
      } else if (n.isSnapshot()) {
        Snapshot s = snapshots.get(n);
        if (s != null) {
          if (!s.parent().isEmpty()) {
            todo.add(Node.snapshot(n.snapshotter(), s.parent()));
          }
          LabelRefs.follow(namespace + " snapshot " + n.id(), s.labels(), snapshotters, todo::add);
        }
      }
    }
    return marked;
  }

  /** What {@code marked} leaves out; ingests only when last written before {@code ingestCutoff}. */
  Garbage garbage(Set<Node> marked, Instant ingestCutoff) {
    List<Blob> blobs = content.values().stream().filter(b -> !marked.contains(Node.content(b.digest()))).toList();
    List<Snapshot> snaps = new ArrayList<>(snapshots.values().stream().filter(s -> !marked.contains(s.node())).toList());
    Map<Node, Integer> depths = new HashMap<>();
    snaps.sort(Comparator.comparingInt((Snapshot s) -> depth(s, depths)).reversed());
    List<Ingest> stale = ingests.values().stream()
        .filter(i -> !marked.contains(Node.ingest(i.ref())) && i.updated().isBefore(ingestCutoff)).toList();
    return new Garbage(blobs, snaps, stale);
  }

  /** The number of ancestors: a child is always deeper than its parent. */
  private int depth(Snapshot s, Map<Node, Integer> memo) {
    Integer known = memo.get(s.node());
    if (known != null) {
      return known;
    }
    int d = 0;
    Snapshot p = s.parent().isEmpty() ? null : snapshots.get(Node.snapshot(s.node().snapshotter(), s.parent()));
    if (p != null) {
      memo.put(s.node(), 0); // guards against a cycle in a corrupt listing
      d = depth(p, memo) + 1;
    }
    memo.put(s.node(), d);
    return d;
  }
}
