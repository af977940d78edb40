package dev.berth.ctl.image;

import dev.berth.client.ClientException;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl images}: the image records of the namespace. */
@Command(name = "images",
    description = "List images: name, digest of the target, size of the content for this platform "
        + "(manifest, config and layers) and when the image was created in berthd.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl images", "  berthctl images -q", "  berthctl images --format json",
        "  berthctl images 'name~=busybox'", "  berthctl images --digests"})
public final class ImagesCommand implements Callable<Integer> {
  /** Hex digits of a digest shown in the table, as docker shows image IDs. */
  private static final int SHORT_DIGEST = 12;

  @ParentCommand
  private BerthCtl root;

  @Option(names = {"-q", "--quiet"}, description = "print names only")
  private boolean quiet;

  @Option(names = "--digests", description = "show each target's full digest")
  private boolean digests;

  @Mixin
  private FormatOption format;

  @Parameters(paramLabel = "FILTER", arity = "0..*",
      description = "containerd filter, e.g. name==docker.io/library/busybox:latest or labels.k==v")
  private List<String> filters;

  @Override
  public Integer call() {
    List<Image> images;
    Map<String, OptionalLong> sizes = new LinkedHashMap<>();
    try (Connection c = root.connect()) {
      ImageClient client = new ImageClient(c.channel());
      images = new ArrayList<>(client.list(filters == null ? new String[0] : filters.toArray(String[]::new)));
      images.sort(Comparator.comparing(Image::name));
      if (!quiet) {
        images.forEach(i -> sizes.put(i.name(), size(client, i)));
      }
    }
    PrintWriter out = root.out();
    if (quiet) {
      images.forEach(i -> out.println(ImageNames.familiar(i.name())));
    } else if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Image i : images) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", i.name());
        row.put("digest", i.target().digest());
        row.put("mediaType", i.target().mediaType());
        OptionalLong size = sizes.get(i.name());
        row.put("size", size.isPresent() ? size.getAsLong() : null);
        row.put("created", i.createdAt().toString());
        row.put("labels", new TreeMap<>(i.labels()));
        rows.add(row);
      }
      Output.json(out, rows);
    } else {
      Instant now = Instant.now();
      List<List<String>> rows = new ArrayList<>();
      for (Image i : images) {
        OptionalLong size = sizes.get(i.name());
        rows.add(List.of(ImageNames.familiar(i.name()), digests ? i.target().digest() : shortDigest(i.target().digest()),
            size.isPresent() ? Output.size(size.getAsLong()) : "-", Output.age(i.createdAt(), now)));
      }
      Output.table(out, List.of("NAME", "DIGEST", "SIZE", "CREATED"), rows);
    }
    return 0;
  }

  /** Empty when the image's content for this platform is not all there to measure. */
  private static OptionalLong size(ImageClient client, Image image) {
    try {
      return OptionalLong.of(client.content(image).size());
    } catch (ClientException | StatusRuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static String shortDigest(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return hex.substring(0, Math.min(SHORT_DIGEST, hex.length()));
  }
}
