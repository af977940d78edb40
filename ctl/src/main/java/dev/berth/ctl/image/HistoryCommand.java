package dev.berth.ctl.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.OciJson;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl history}: how an image was built, newest step first, from its config's history. */
@Command(name = "history",
    description = {"Show the history of an image, newest step first: when each step ran, its command, the size of "
        + "the layer it made (compressed, as stored) and its comment, from the image config's history.",
        "As in Docker's containerd image store, only the top step has an image id; the others show <missing>. "
            + "--format takes a Go template over ID, CreatedAt, CreatedSince, CreatedBy, Size, Comment."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl history busybox", "  berthctl history --no-trunc --format json busybox",
        "  berthctl history --format '{{.CreatedBy}} {{.Size}}' busybox"})
public final class HistoryCommand implements Callable<Integer> {
  /** Docker cuts CREATED BY to this many characters unless --no-trunc. */
  private static final int CREATED_BY_WIDTH = 45;
  private static final String MISSING = "<missing>";

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-q", "--quiet"}, description = "print the image ids only")
  boolean quiet;

  @Option(names = "--no-trunc", description = "print the whole command of each step")
  boolean noTrunc;

  @Option(names = {"-H", "--human"}, negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "sizes and dates for people (default); --human=false prints bytes and RFC 3339 times")
  boolean human;

  @Mixin
  TemplateFormatOption format;

  @Parameters(paramLabel = "IMAGE", description = "an image name or id")
  String name;

  /** One step of the build. */
  private record Step(String id, Instant created, String createdBy, long size, String comment) {}

  @Override
  public Integer call() {
    List<Step> steps;
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      Image image = NoSuchImage.naming(name, () -> images.resolve(name));
      steps = steps(image, images);
    }
    if (quiet) {
      Output.lines(root.out(), steps.stream().map(Step::id).toList());
      return 0;
    }
    Instant now = Instant.now();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Step s : steps) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("ID", s.id());
      row.put("CreatedAt", s.created() == null ? "" : s.created().toString());
      row.put("CreatedSince", s.created() == null ? "" : human ? Durations.ago(s.created(), now) : s.created().toString());
      row.put("CreatedBy", noTrunc || s.createdBy().length() <= CREATED_BY_WIDTH ? s.createdBy()
          : s.createdBy().substring(0, CREATED_BY_WIDTH - 1) + "…");
      row.put("Size", human ? Output.size(s.size()) : Long.toString(s.size()));
      row.put("Comment", s.comment());
      rows.add(row);
    }
    if (format.json()) {
      Output.jsonLines(root.out(), rows);
    } else if (format.templated()) {
      format.print(root.out(), TemplateContext.HISTORY, HEADERS, rows);
    } else {
      Output.table(root.out(), List.of("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"), rows.stream()
          .map(r -> List.of((String) r.get("ID"), (String) r.get("CreatedSince"), (String) r.get("CreatedBy"),
              (String) r.get("Size"), (String) r.get("Comment"))).toList());
    }
    return 0;
  }

  private static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedAt", "CREATED AT",
      "CreatedSince", "CREATED", "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");

  /**
   * The config's history, newest first; the layers go, from the top down, to the steps that made
   * one (not {@code empty_layer}). A config without history gets a step per layer.
   */
  private List<Step> steps(Image image, ImageClient images) {
    List<Descriptor> layers = images.content(image).layers();
    JsonNode history = OciJson.tree(images.configBlob(image), "config of " + image.name()).path("history");
    List<Step> steps = new ArrayList<>();
    int layer = layers.size() - 1;
    if (history.isArray() && !history.isEmpty()) {
      for (int i = history.size() - 1; i >= 0; i--) {
        JsonNode h = history.get(i);
        long size = 0;
        if (!h.path("empty_layer").asBoolean(false) && layer >= 0) {
          size = layers.get(layer--).size();
        }
        steps.add(new Step(MISSING, created(h.path("created").asText("")), h.path("created_by").asText(""), size,
            h.path("comment").asText("")));
      }
    } else {
      for (; layer >= 0; layer--) {
        steps.add(new Step(MISSING, null, "", layers.get(layer).size(), ""));
      }
    }
    if (!steps.isEmpty()) {
      Step top = steps.get(0);
      String id = noTrunc ? image.target().digest() : ImageClient.shortId(image);
      steps.set(0, new Step(id, top.created(), top.createdBy(), top.size(), top.comment()));
    }
    return steps;
  }

  private static Instant created(String text) {
    try {
      return text.isEmpty() ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
