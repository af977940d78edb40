package dev.berth.ctl.system;

import berth.gc.v1.CollectResponse;
import berth.gc.v1.Removed;
import dev.berth.client.images.ImageNames;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.output.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The prune commands' output, as Docker prints it: a section per kind, then the space freed. */
public final class PruneOutput {
  private PruneOutput() {}

  public static void containers(PrintWriter out, List<Pruner.PrunedContainer> removed) {
    section(out, "Deleted Containers:", removed.stream().map(Pruner.PrunedContainer::id).toList());
  }

  public static void networks(PrintWriter out, List<String> removed) {
    section(out, "Deleted Networks:", removed);
  }

  /** Records untagged, then the blobs of this namespace the collection deleted. */
  public static void images(PrintWriter out, String namespace, List<Pruner.PrunedImage> untagged,
      CollectResponse collected) {
    List<String> lines = new ArrayList<>();
    untagged.forEach(i -> lines.add("untagged: " + ImageNames.familiar(i.name())));
    deletedContent(namespace, collected).forEach(d -> lines.add("deleted: " + d));
    section(out, "Deleted Images:", lines);
  }

  public static void total(PrintWriter out, long bytes) {
    out.println("Total reclaimed space: " + Output.preciseSize(bytes));
  }

  /** The writable layers the removed containers had. */
  public static long containersSize(List<Pruner.PrunedContainer> removed) {
    return removed.stream().mapToLong(Pruner.PrunedContainer::size).sum();
  }

  private static List<String> deletedContent(String namespace, CollectResponse collected) {
    return collected.getRemovedList().stream()
        .filter(r -> r.getNamespace().equals(namespace) && r.getType().equals("content"))
        .map(Removed::getId).toList();
  }

  static void section(PrintWriter out, String heading, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    out.println(heading);
    lines.forEach(out::println);
    out.println();
  }
}
