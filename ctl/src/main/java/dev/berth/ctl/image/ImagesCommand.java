package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImageSummary;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.TooManyArguments;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.KeyedFilters;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code berthctl images}: the image records of the namespace. */
@Command(name = "images",
    description = {"List images as docker does, newest first: repository, tag, image id, when the image was made "
        + "(its config's date) and the size of its content for this platform (manifest, config and layers, compressed).",
        "The image id is the target's digest (as in Docker's containerd image store); -q prints each id once, "
            + "short unless --no-trunc. --format takes a Go template over ID, Repository, Tag, Digest, CreatedAt, CreatedSince, Size.",
        "Arguments are Docker's REPOSITORY[:TAG] (wildcards as in --filter reference=) or, when they hold ==, != "
            + "or ~=, containerd filters over name and labels."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl images", "  berthctl images -q", "  berthctl images --format json",
        "  berthctl images --format '{{.Repository}}:{{.Tag}} {{.ID}}'",
        "  berthctl images --format 'table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}'",
        "  berthctl images busybox", "  berthctl images --filter 'reference=*/busybox:1*'",
        "  berthctl images 'name~=busybox'", "  berthctl images --digests"})
public final class ImagesCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Spec
  CommandSpec spec;

  @Option(names = {"-q", "--quiet"}, description = "print image ids only (short, each once)")
  boolean quiet;

  @Option(names = "--digests", description = "add a DIGEST column: each target's full digest")
  boolean digests;

  @Option(names = "--no-trunc", description = "show full image ids (sha256:…)")
  boolean noTrunc;

  @Option(names = {"-a", "--all"},
      description = "all images (Berth keeps no intermediate images: the same list as without it)")
  boolean all;

  @Option(names = {"-f", "--filter"}, converter = PflagTypes.Filter.class,
      preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
      description = "Docker's filters: reference=PATTERN, label=KEY[=VALUE], dangling=true|false, before=IMAGE, "
          + "since=IMAGE, until=TIME (24h, RFC 3339, Unix seconds)")
  List<String> dockerFilters = new ArrayList<>();

  @Mixin
  TemplateFormatOption format;

  @Parameters(paramLabel = "REPOSITORY[:TAG]|FILTER", arity = "0..*",
      description = "an image name, e.g. busybox or busybox:1.36, or a containerd filter, e.g. "
          + "name==docker.io/library/busybox:latest or labels.k==v")
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    // Docker's one REPOSITORY[:TAG]; containerd filters may come beside it
    if (arguments.stream().filter(a -> !containerdFilter(a)).count() > 1) {
      throw new TooManyArguments(spec.commandLine(), 1);
    }
    List<Image> images;
    // by image id: the names of one image share its size and date
    Map<String, ImageSummary> summaries = new HashMap<>();
    Function<Image, ImageSummary> summary;
    try (Connection c = root.connect()) {
      ImageClient client = new ImageClient(c.channel());
      summary = i -> summaries.computeIfAbsent(i.target().digest(), d -> client.summary(i));
      List<String> containerdFilters = arguments.stream().filter(ImagesCommand::containerdFilter).toList();
      List<String> references = arguments.stream().filter(a -> !containerdFilter(a)).toList();
      images = new ArrayList<>(client.list(containerdFilters.toArray(String[]::new)));
      // from every record, so that a filter leaving a tag out does not make its digest a row
      Predicate<Image> folded = digestOfATag(images);
      if (!references.isEmpty() || !dockerFilters.isEmpty()) {
        KeyedFilters<Image> filter = ImageFilter.parse(dockerFilters, references,
            name -> NoSuchImage.naming(name, () -> client.resolve(name)), i -> created(i, summary),
            i -> summary.apply(i).labels());
        images.removeIf(filter.negate());
      }
      images.removeIf(folded);
      // read while the channel is open: the rows use them after
      images.forEach(summary::apply);
      // as Docker: newest first by the image's own date
      images.sort(Comparator.comparing((Image i) -> created(i, summary)).reversed().thenComparing(Image::name));
    }
    PrintWriter out = root.out();
    if (quiet) {
      Output.lines(out, images.stream().map(this::id).distinct().toList());
    } else if (format.templated() || format.json()) {
      Instant now = Instant.now();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Image i : images) {
        rows.add(templateRow(i, summary.apply(i), now));
      }
      format.printRows(out, TemplateContext.IMAGES, HEADERS, rows);
    } else {
      // docker's columns, DIGEST with --digests, full ids with --no-trunc
      Instant now = Instant.now();
      List<List<String>> rows = new ArrayList<>();
      for (Image i : images) {
        Map<String, Object> t = templateRow(i, summary.apply(i), now);
        List<String> row = new ArrayList<>(List.of((String) t.get("Repository"), (String) t.get("Tag")));
        if (digests) {
          row.add(i.target().digest());
        }
        row.addAll(List.of((String) t.get("ID"), (String) t.get("CreatedSince"),
            (String) t.get("Size")));
        rows.add(row);
      }
      List<String> headers = new ArrayList<>(List.of("REPOSITORY", "TAG"));
      if (digests) {
        headers.add("DIGEST");
      }
      headers.addAll(List.of("IMAGE ID", "CREATED", "SIZE"));
      Output.table(out, headers, rows);
    }
    return 0;
  }

  /**
   * Records named REPO@DIGEST whose image a listed REPO:TAG names too: Docker shows such a digest
   * reference only in the tag's row (its DIGEST), not as a row of its own with TAG {@code <none>}.
   */
  private static Predicate<Image> digestOfATag(List<Image> images) {
    Set<String> tagged = new HashSet<>();
    for (Image i : images) {
      if (!i.name().contains("@") && ImageNames.isValid(i.name())) {
        tagged.add(ImageNames.repository(ImageNames.normalize(i.name())) + "@" + i.target().digest());
      }
    }
    return i -> i.name().contains("@") && ImageNames.isValid(i.name())
        && tagged.contains(ImageNames.repository(ImageNames.normalize(i.name())) + "@" + i.target().digest());
  }

  /** Docker's column titles of the fields a template names. */
  private static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("ID", "IMAGE ID"),
      Map.entry("Repository", "REPOSITORY"), Map.entry("Tag", "TAG"), Map.entry("Digest", "DIGEST"),
      Map.entry("CreatedAt", "CREATED AT"), Map.entry("CreatedSince", "CREATED"), Map.entry("Size", "SIZE"),
      Map.entry("Containers", "CONTAINERS"), Map.entry("SharedSize", "SHARED SIZE"),
      Map.entry("UniqueSize", "UNIQUE SIZE"), Map.entry("VirtualSize", "SIZE"));

  /** When the image was made, as its config says; when it came here for an image whose config has no date. */
  private static Instant created(Image i, Function<Image, ImageSummary> summary) {
    return summary.apply(i).created().orElse(i.createdAt());
  }

  /** Docker's short id, or with --no-trunc the whole one. */
  private String id(Image i) {
    return noTrunc ? i.target().digest() : ImageClient.shortId(i);
  }

  /** An image as Docker's {@code images --format} templates see it. */
  private Map<String, Object> templateRow(Image i, ImageSummary summary, Instant now) {
    OptionalLong size = summary.size();
    Instant created = summary.created().orElse(i.createdAt());
    String familiar = ImageNames.familiar(i.name());
    int at = familiar.indexOf('@');
    int colon = familiar.lastIndexOf(':');
    boolean tagged = at < 0 && colon > familiar.lastIndexOf('/');
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("ID", id(i));
    String repository = at >= 0 ? familiar.substring(0, at) : tagged ? familiar.substring(0, colon) : familiar;
    row.put("Repository", repository.equals(ImageNames.DANGLING_REPOSITORY) ? "<none>" : repository);
    row.put("Tag", tagged ? familiar.substring(colon + 1) : "<none>");
    row.put("Digest", i.target().digest());
    // Docker's images and containers carry whole seconds
    row.put("CreatedAt", Durations.goString(created.truncatedTo(ChronoUnit.SECONDS)));
    row.put("CreatedSince", Durations.ago(created, now));
    row.put("Size", size.isPresent() ? Output.size(size.getAsLong()) : "-");
    // what docker's image store adds, which Berth does not count; templates may name them too
    row.put("Containers", "N/A");
    row.put("SharedSize", "N/A");
    row.put("UniqueSize", "N/A");
    row.put("VirtualSize", row.get("Size"));
    return row;
  }

  /** containerd's filter syntax, as opposed to Docker's REPOSITORY[:TAG]. */
  private static boolean containerdFilter(String argument) {
    return argument.contains("==") || argument.contains("!=") || argument.contains("~=");
  }
}
