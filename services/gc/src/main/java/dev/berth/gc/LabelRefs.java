package dev.berth.gc;

import dev.berth.api.Digests;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.labels.GcLabels;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What containerd's {@code gc.ref} labels on a blob, snapshot, image or container point to:
 * {@code containerd.io/gc.ref.content.*} a digest, {@code containerd.io/gc.ref.snapshot.<snapshotter>[.*]}
 * a snapshot key. A reference is only ever a name looked up in the same namespace's listings,
 * never a path; one that is malformed is skipped with a warning.
 */
final class LabelRefs {
  private static final Logger LOG = Logger.getLogger(LabelRefs.class.getName());

  private LabelRefs() {}

  static boolean isRoot(Map<String, String> labels) {
    return labels.containsKey(GcLabels.ROOT);
  }

  /** Sends each well-formed reference in {@code labels} of {@code owner} to {@code out}. */
  static void follow(String owner, Map<String, String> labels, Set<String> snapshotters, Consumer<Node> out) {
    labels.forEach((key, value) -> {
      if (key.startsWith(GcLabels.CONTENT_PREFIX)) {
        try {
          out.accept(Node.content(Digests.validate(value)));
        } catch (BerthException e) {
          LOG.warning("gc: ignoring label " + key + " of " + owner + ": " + e.getMessage());
        }
      } else if (key.startsWith(GcLabels.SNAPSHOT_PREFIX)) {
        String rest = key.substring(GcLabels.SNAPSHOT_PREFIX.length());
        int dot = rest.indexOf('.');
        String snapshotter = dot < 0 ? rest : rest.substring(0, dot);
        if (!snapshotters.contains(snapshotter) || value.isEmpty()) {
          LOG.warning("gc: ignoring label " + key + " of " + owner + ": "
              + (value.isEmpty() ? "no snapshot key" : "no snapshotter " + snapshotter));
        } else {
          out.accept(Node.snapshot(snapshotter, value));
        }
      }
    });
  }
}
