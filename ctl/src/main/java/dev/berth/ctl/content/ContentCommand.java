package dev.berth.ctl.content;

import com.google.protobuf.FieldMask;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListContentResponse;
import containerd.services.content.v1.UpdateRequest;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl content}: the blobs of the content store, addressed by digest. */
@Command(name = "content",
    description = "Manage blobs in the content store (layers, manifests, configs), by digest.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl content ingest my-layer layer.tar",
        "  berthctl content ls",
        "  berthctl content get sha256:4f2e... -o layer.tar"})
public final class ContentCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "ls", aliases = "list",
      description = "List blobs, optionally only those matching containerd filters.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content ls", "  berthctl content ls -q",
          "  berthctl content ls 'labels.\"containerd.io/gc.root\"'",
          "  berthctl content ls --format json"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print digests only") boolean quiet,
      @Mixin FormatOption format,
      @Parameters(paramLabel = "FILTER", arity = "0..*",
          description = "containerd filter, e.g. digest==sha256:... or labels.k==v") List<String> filters) {
    List<Info> blobs = new ArrayList<>();
    try (Connection c = root.connect()) {
      Iterator<ListContentResponse> pages = ContentGrpc.newBlockingStub(c.channel())
          .list(ListContentRequest.newBuilder().addAllFilters(filters == null ? List.of() : filters).build());
      pages.forEachRemaining(page -> blobs.addAll(page.getInfoList()));
    }
    PrintWriter out = root.out();
    if (quiet) {
      blobs.forEach(b -> out.println(b.getDigest()));
    } else if (format.json()) {
      Output.json(out, blobs.stream().map(ContentCommand::asJson).toList());
    } else {
      Instant now = Instant.now();
      List<List<String>> rows = new ArrayList<>();
      for (Info b : blobs) {
        rows.add(List.of(b.getDigest(), Output.size(b.getSize()),
            Durations.ago(ProtoTimes.toInstant(b.getCreatedAt()), now), Output.labels(b.getLabelsMap())));
      }
      Output.table(out, List.of("DIGEST", "SIZE", "AGE", "LABELS"), rows);
    }
    return 0;
  }

  @Command(name = "ingest",
      description = {"Write a blob from FILE (or stdin) under the ingest name REF; print its digest.",
          "An interrupted ingest of a file resumes where it stopped when run again with the same REF."},
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content ingest my-layer layer.tar",
          "  cat config.json | berthctl content ingest my-config --label purpose=demo",
          "  berthctl content ingest my-layer layer.tar --expected-digest sha256:4f2e... --progress"})
  int ingest(@Parameters(index = "0", paramLabel = "REF", description = "ingest name") String ref,
      @Parameters(index = "1", arity = "0..1", paramLabel = "FILE",
          description = "file to read (default: stdin, also -)") String file,
      @Option(names = "--expected-digest", paramLabel = "DIGEST", defaultValue = "",
          description = "refuse the blob unless it has this digest") String expectedDigest,
      @Option(names = "--expected-size", paramLabel = "BYTES", defaultValue = "-1",
          description = "refuse the blob unless it has this size") long expectedSize,
      @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE",
          description = "label of the blob (repeatable)") Map<String, String> labels,
      @Option(names = "--progress", description = "show a progress bar even when stderr is no terminal")
      boolean forceProgress) throws IOException {
    boolean fromStdin = file == null || file.equals("-");
    try (ReadableByteChannel input = fromStdin ? Channels.newChannel(root.io().in())
            : FileChannel.open(Path.of(file));
        Connection c = root.connect()) {
      long size = input instanceof FileChannel f ? f.size() : -1;
      long total = expectedSize >= 0 ? expectedSize : size;
      Ingest.Target target = new Ingest.Target(ref, expectedSize, expectedDigest,
          labels == null ? Map.of() : labels);
      String digest;
      try (TransferProgress progress = new TransferProgress(ref, root.io().err(),
          root.io().errIsTerminal(), forceProgress, total)) {
        digest = new Ingest(new GrpcContentStore(c.channel())).write(target, input, size, progress);
      }
      root.out().println(digest);
    }
    return 0;
  }

  @Command(name = "get", aliases = "cat",
      description = "Write a blob to stdout or to a file; the bytes are checked against the digest.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content get sha256:4f2e... > layer.tar",
          "  berthctl content get sha256:4f2e... -o layer.tar"})
  int get(@Parameters(paramLabel = "DIGEST", description = "the blob") String digest,
      @Option(names = {"-o", "--output"}, paramLabel = "FILE",
          description = "write to FILE (replaced atomically once complete)") Path output)
      throws IOException {
    try (Connection c = root.connect()) {
      BlobReader reader = new BlobReader(Blobs.on(c.channel()));
      if (output == null) {
        root.out().flush();
        reader.copyTo(digest, root.io().out());
        root.io().out().flush();
      } else {
        reader.copyTo(digest, output);
      }
    }
    return 0;
  }

  @Command(name = "rm", aliases = {"remove", "delete"},
      description = "Remove blobs; prints each digest removed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content rm sha256:4f2e...",
          "  berthctl content ls -q | xargs berthctl content rm"})
  int remove(@Parameters(paramLabel = "DIGEST", arity = "1..*", description = "blobs to remove")
      List<String> digests) {
    try (Connection c = root.connect()) {
      ContentGrpc.ContentBlockingStub stub = ContentGrpc.newBlockingStub(c.channel());
      return root.each(digests, digest -> {
        ErrorHandler.naming("content", digest,
            () -> stub.delete(DeleteContentRequest.newBuilder().setDigest(digest).build()));
        root.out().println(digest);
      });
    }
  }

  @Command(name = "label",
      description = {"Set labels of a blob (KEY=VALUE) or remove them (KEY=); prints the digest.",
          "Labels not named stay as they are."},
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content label sha256:4f2e... containerd.io/gc.root=2024-01-01",
          "  berthctl content label sha256:4f2e... containerd.io/gc.root="})
  int label(@Parameters(index = "0", paramLabel = "DIGEST", description = "the blob") String digest,
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=[VALUE]",
          description = "label to set, or to remove when the value is empty") List<String> changes) {
    Info.Builder info = Info.newBuilder().setDigest(digest);
    FieldMask.Builder mask = FieldMask.newBuilder();
    for (String change : changes) {
      int eq = change.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine().getSubcommands().get("label"),
            "Expected KEY=VALUE or KEY= but got '" + change + "'");
      }
      String key = change.substring(0, eq);
      String value = change.substring(eq + 1);
      if (!value.isEmpty()) {
        info.putLabels(key, value);
      }
      mask.addPaths("labels." + key);
    }
    try (Connection c = root.connect()) {
      ErrorHandler.naming("content", digest, () -> ContentGrpc.newBlockingStub(c.channel())
          .update(UpdateRequest.newBuilder().setInfo(info).setUpdateMask(mask).build()));
    }
    root.out().println(digest);
    return 0;
  }

  @Command(name = "info", aliases = "inspect",
      description = "Show a blob's size, times and labels.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl content info sha256:4f2e...",
          "  berthctl content info sha256:4f2e... --format json"})
  int info(@Parameters(paramLabel = "DIGEST", description = "the blob") String digest,
      @Mixin FormatOption format) {
    Info info;
    try (Connection c = root.connect()) {
      info = ErrorHandler.naming("content", digest, () -> ContentGrpc.newBlockingStub(c.channel())
          .info(InfoRequest.newBuilder().setDigest(digest).build())).getInfo();
    }
    PrintWriter out = root.out();
    if (format.json()) {
      Output.json(out, asJson(info));
    } else {
      out.println("Digest:   " + info.getDigest());
      out.println("Size:     " + info.getSize() + " (" + Output.size(info.getSize()) + ")");
      out.println("Created:  " + ProtoTimes.toInstant(info.getCreatedAt()));
      out.println("Updated:  " + ProtoTimes.toInstant(info.getUpdatedAt()));
      out.println("Labels:" + (info.getLabelsCount() == 0 ? "   -" : ""));
      new TreeMap<>(info.getLabelsMap()).forEach((k, v) -> out.println("  " + k + "=" + v));
    }
    return 0;
  }

  private static Map<String, Object> asJson(Info info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("digest", info.getDigest());
    m.put("size", info.getSize());
    m.put("created", ProtoTimes.toInstant(info.getCreatedAt()).toString());
    m.put("updated", ProtoTimes.toInstant(info.getUpdatedAt()).toString());
    m.put("labels", new TreeMap<>(info.getLabelsMap()));
    return m;
  }
}
