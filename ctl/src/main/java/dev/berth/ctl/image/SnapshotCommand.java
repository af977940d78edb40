package dev.berth.ctl.image;

import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.Kind;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.UsageRequest;
import containerd.services.snapshots.v1.UsageResponse;
import containerd.types.Mount;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.images.ImportOptions;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code berthctl snapshot}: the snapshots images unpack into and containers run on. */
@Command(name = "snapshot", aliases = "snapshots",
    description = "Inspect and remove snapshots (unpacked layers, named by chain ID; container root file systems).",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl snapshot ls", "  berthctl snapshot tree",
        "  berthctl snapshot mounts /mnt/rootfs my-container"})
public final class SnapshotCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Option(names = "--snapshotter", paramLabel = "NAME", scope = ScopeType.INHERIT,
      defaultValue = ImportOptions.DEFAULT_SNAPSHOTTER, description = "snapshotter (default: ${DEFAULT-VALUE})")
  String snapshotter;

  @Command(name = "ls", aliases = "list", description = "List snapshots: key, parent and kind.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl snapshot ls", "  berthctl snapshot ls -q", "  berthctl snapshot ls --format json"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print keys only") boolean quiet,
      @Mixin FormatOption format) {
    List<Info> snapshots = all();
    PrintWriter out = root.out();
    if (quiet) {
      snapshots.forEach(s -> out.println(s.getName()));
    } else if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Info s : snapshots) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", s.getName());
        row.put("parent", s.getParent());
        row.put("kind", kind(s.getKind()).toLowerCase(Locale.ROOT));
        row.put("created", ProtoTimes.toInstant(s.getCreatedAt()).toString());
        row.put("updated", ProtoTimes.toInstant(s.getUpdatedAt()).toString());
        row.put("labels", new TreeMap<>(s.getLabelsMap()));
        rows.add(row);
      }
      Output.json(out, rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Info s : snapshots) {
        rows.add(List.of(s.getName(), s.getParent(), kind(s.getKind())));
      }
      Output.table(out, List.of("KEY", "PARENT", "KIND"), rows);
    }
    return 0;
  }

  @Command(name = "tree", description = "Show snapshots as trees: each under its parent.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl snapshot tree"})
  int tree() {
    List<Info> snapshots = all();
    Set<String> keys = snapshots.stream().map(Info::getName).collect(Collectors.toSet());
    Map<String, List<String>> children = new HashMap<>();
    List<String> roots = new ArrayList<>();
    for (Info s : snapshots) {
      if (s.getParent().isEmpty() || !keys.contains(s.getParent())) {
        roots.add(s.getName());
      } else {
        children.computeIfAbsent(s.getParent(), k -> new ArrayList<>()).add(s.getName());
      }
    }
    roots.forEach(r -> printTree(r, 0, children));
    return 0;
  }

  private void printTree(String key, int depth, Map<String, List<String>> children) {
    root.out().println(depth == 0 ? key : "  ".repeat(depth) + "\\_ " + key);
    for (String child : children.getOrDefault(key, List.of())) {
      printTree(child, depth + 1, children);
    }
  }

  @Command(name = "rm", aliases = {"remove", "delete"},
      description = "Remove snapshots; one with children cannot be. Prints each key removed.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl snapshot rm my-container"})
  int remove(@Parameters(paramLabel = "KEY", arity = "1..*", description = "snapshots to remove") List<String> keys) {
    try (Connection c = root.connect()) {
      SnapshotsGrpc.SnapshotsBlockingStub stub = SnapshotsGrpc.newBlockingStub(c.channel());
      return root.each(keys, key -> {
        ErrorHandler.naming("snapshot", key, () -> stub.remove(RemoveSnapshotRequest.newBuilder()
            .setSnapshotter(snapshotter).setKey(key).build()));
        root.out().println(key);
      });
    }
  }

  @Command(name = "usage", description = "Show the disk use of snapshots' own layers (all when no key is given).",
      footerHeading = "%nExamples:%n", footer = {"  berthctl snapshot usage", "  berthctl snapshot usage my-container"})
  int usage(@Parameters(paramLabel = "KEY", arity = "0..*", description = "snapshots to measure") List<String> keys,
      @Mixin FormatOption format) {
    Map<String, UsageResponse> usages = new LinkedHashMap<>();
    try (Connection c = root.connect()) {
      SnapshotsGrpc.SnapshotsBlockingStub stub = SnapshotsGrpc.newBlockingStub(c.channel());
      List<String> chosen = keys == null || keys.isEmpty() ? all(c).stream().map(Info::getName).toList() : keys;
      for (String key : chosen) {
        usages.put(key, ErrorHandler.naming("snapshot", key, () -> stub.usage(UsageRequest.newBuilder()
            .setSnapshotter(snapshotter).setKey(key).build())));
      }
    }
    if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      usages.forEach((key, u) -> {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", key);
        row.put("size", u.getSize());
        row.put("inodes", u.getInodes());
        rows.add(row);
      });
      Output.json(root.out(), rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      usages.forEach((key, u) -> rows.add(List.of(key, Output.size(u.getSize()), Long.toString(u.getInodes()))));
      Output.table(root.out(), List.of("KEY", "SIZE", "INODES"), rows);
    }
    return 0;
  }

  @Command(name = "mounts", aliases = "m",
      description = "Print the mount commands that mount an active or view snapshot at TARGET; run them as "
          + "root to see the snapshot's file system.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl snapshot mounts /mnt/rootfs my-container", "  sh -c \"$(berthctl snapshot mounts /mnt/r my-view)\""})
  int mounts(@Parameters(index = "0", paramLabel = "TARGET", description = "where to mount") String target,
      @Parameters(index = "1", paramLabel = "KEY", description = "the snapshot") String key) {
    List<Mount> mounts;
    try (Connection c = root.connect()) {
      mounts = ErrorHandler.naming("snapshot", key, () -> SnapshotsGrpc.newBlockingStub(c.channel())
          .mounts(MountsRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build())).getMountsList();
    }
    for (Mount m : mounts) {
      String options = m.getOptionsCount() == 0 ? "" : " -o " + String.join(",", m.getOptionsList());
      root.out().println("mount -t " + m.getType() + " " + m.getSource() + " " + target + options);
    }
    return 0;
  }

  private List<Info> all() {
    try (Connection c = root.connect()) {
      return all(c);
    }
  }

  private List<Info> all(Connection c) {
    List<Info> snapshots = new ArrayList<>();
    SnapshotsGrpc.newBlockingStub(c.channel())
        .list(ListSnapshotsRequest.newBuilder().setSnapshotter(snapshotter).build())
        .forEachRemaining(page -> snapshots.addAll(page.getInfoList()));
    snapshots.sort(Comparator.comparing(Info::getName));
    return snapshots;
  }

  /** As ctr prints kinds. */
  private static String kind(Kind kind) {
    return switch (kind) {
      case ACTIVE -> "Active";
      case VIEW -> "View";
      case COMMITTED -> "Committed";
      default -> "Unknown";
    };
  }
}
