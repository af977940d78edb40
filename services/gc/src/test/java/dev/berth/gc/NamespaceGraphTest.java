package dev.berth.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.api.Digests;
import dev.berth.api.labels.GcLabels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Marking and the order of removal, on listings as the services answer them. */
class NamespaceGraphTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private final NamespaceGraph graph = new NamespaceGraph("ns", Set.of("overlayfs"));

  private static String digest(String s) {
    return Digests.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private void blob(String name, Map<String, String> labels) {
    graph.add(new NamespaceGraph.Blob(digest(name), name.length(), labels));
  }

  private void snapshot(String key, String parent, Map<String, String> labels) {
    graph.add(new NamespaceGraph.Snapshot(Node.snapshot("overlayfs", key), parent, labels));
  }

  private NamespaceGraph.Garbage garbage(Node... roots) {
    return graph.garbage(graph.mark(List.of(roots)), NOW.minusSeconds(3600));
  }

  @Test
  void labelsAndParentChainsKeepWhatARootReaches() {
    blob("index", Map.of(GcLabels.MANIFEST_PREFIX + "0", digest("manifest")));
    blob("manifest", Map.of(GcLabels.CONFIG, digest("config"), GcLabels.LAYER_PREFIX + "0", digest("layer")));
    blob("config", Map.of(GcLabels.snapshotRef("overlayfs"), "top"));
    blob("layer", Map.of());
    blob("stray", Map.of());
    snapshot("base", "", Map.of());
    snapshot("top", "base", Map.of());
    snapshot("left", "base", Map.of());

    NamespaceGraph.Garbage g = garbage(Node.content(digest("index")));
    assertEquals(List.of(digest("stray")), g.content().stream().map(NamespaceGraph.Blob::digest).toList());
    assertEquals(List.of("left"), g.snapshots().stream().map(s -> s.node().id()).toList());
  }

  @Test
  void childrenAreRemovedBeforeTheirParents() {
    snapshot("a", "", Map.of());
    snapshot("c", "b", Map.of());
    snapshot("b", "a", Map.of());
    snapshot("d", "c", Map.of());
    assertEquals(List.of("d", "c", "b", "a"), garbage().snapshots().stream().map(s -> s.node().id()).toList());
  }

  @Test
  void gcRootLabelsAndLeasedResourcesAreRoots() {
    blob("rooted", Map.of(GcLabels.ROOT, "anything"));
    blob("leased", Map.of());
    snapshot("rooted-snapshot", "", Map.of(GcLabels.ROOT, ""));
    snapshot("leased-snapshot", "", Map.of());
    assertEquals(new NamespaceGraph.Garbage(List.of(), List.of(), List.of()),
        garbage(Node.content(digest("leased")), Node.snapshot("overlayfs", "leased-snapshot")));
  }

  @Test
  void malformedReferencesAreIgnored() {
    blob("holder", Map.of(GcLabels.ROOT, "x",
        GcLabels.CONTENT_PREFIX + "bad", "../../etc/passwd",
        GcLabels.SNAPSHOT_PREFIX + "other", "s",
        GcLabels.SNAPSHOT_PREFIX + "overlayfs.extra", ""));
    snapshot("s", "", Map.of());
    assertEquals(List.of("s"), garbage().snapshots().stream().map(s -> s.node().id()).toList());
  }

  @Test
  void ingestsGoWhenUntouchedPastTheCutOffUnlessALeaseHoldsThem() {
    graph.add(new NamespaceGraph.Ingest("old", 10, NOW.minusSeconds(7200)));
    graph.add(new NamespaceGraph.Ingest("old-leased", 10, NOW.minusSeconds(7200)));
    graph.add(new NamespaceGraph.Ingest("fresh", 10, NOW.minusSeconds(60)));
    assertEquals(List.of("old"), garbage(Node.ingest("old-leased")).ingests().stream()
        .map(NamespaceGraph.Ingest::ref).toList());
  }
}
