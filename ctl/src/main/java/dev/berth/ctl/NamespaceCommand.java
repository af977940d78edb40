package dev.berth.ctl;

import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.DeleteNamespaceRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl namespace}: list, create and remove namespaces. */
@Command(name = "namespace", aliases = "ns",
    description = "Manage namespaces, which keep each tenant's content, images and containers apart.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl namespace ls", "  berthctl ns create demo --label team=web",
        "  berthctl ns rm demo"})
final class NamespaceCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "ls", aliases = "list", description = "List namespaces.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl namespace ls", "  berthctl ns ls -q", "  berthctl ns ls --format json"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print names only") boolean quiet,
      @Mixin FormatOption format) {
    List<Namespace> namespaces;
    try (Connection c = root.connect()) {
      namespaces = new ArrayList<>(NamespacesGrpc.newBlockingStub(c.channel())
          .list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList());
    }
    namespaces.sort(Comparator.comparing(Namespace::getName));
    if (quiet) {
      namespaces.forEach(n -> root.out().println(n.getName()));
    } else if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Namespace n : namespaces) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", n.getName());
        row.put("labels", new TreeMap<>(n.getLabelsMap()));
        rows.add(row);
      }
      Output.json(root.out(), rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Namespace n : namespaces) {
        rows.add(List.of(n.getName(), Output.labels(n.getLabelsMap())));
      }
      Output.table(root.out(), List.of("NAME", "LABELS"), rows);
    }
    return 0;
  }

  @Command(name = "create", description = "Create a namespace and print its name.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl namespace create demo", "  berthctl ns create demo --label team=web"})
  int create(@Parameters(paramLabel = "NAME", description = "the new namespace") String name,
      @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "a label (repeatable)")
      Map<String, String> labels) {
    Namespace namespace = Namespace.newBuilder()
        .setName(name)
        .putAllLabels(labels == null ? Map.of() : labels)
        .build();
    try (Connection c = root.connect()) {
      NamespacesGrpc.newBlockingStub(c.channel())
          .create(CreateNamespaceRequest.newBuilder().setNamespace(namespace).build());
    }
    root.out().println(name);
    return 0;
  }

  @Command(name = "rm", aliases = "remove",
      description = "Remove namespaces; each must hold nothing. Prints each name removed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl namespace rm demo", "  berthctl ns rm demo scratch"})
  int remove(@Parameters(paramLabel = "NAME", arity = "1..*", description = "namespaces to remove")
      List<String> names) {
    try (Connection c = root.connect()) {
      NamespacesGrpc.NamespacesBlockingStub stub = NamespacesGrpc.newBlockingStub(c.channel());
      return root.each(names, name -> {
        ErrorHandler.naming("namespace", name,
            () -> stub.delete(DeleteNamespaceRequest.newBuilder().setName(name).build()));
        root.out().println(name);
      });
    }
  }
}
